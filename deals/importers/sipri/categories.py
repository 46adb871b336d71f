"""SIPRI weapon descriptions onto SIPRI's eleven armament categories, for exports without a category column."""

import re

# Descriptions the keyword rules below would misfile, checked against SIPRI's own categories in the
# per-year export (which has a category column).
EXCEPTIONS = {
    "aircraft carrier": "ships",
    "air refuel system": "other",
    "sam system radar": "sensors",
    "coastal defence system": "artillery",
    "coastal defence gun": "artillery",
    "surface-to-surface missile launcher": "artillery",
    "anti-submarine rocket launcher": "naval-weapons",
    "anti-submarine mortar": "naval-weapons",
    "self-propelled gun chassis": "armoured-vehicles",
    "mortar turret": "artillery",
    "self-propelled gun turret": "artillery",
    "anti-aircraft gun turret": "air-defence-systems",
}

# First match wins, so the order matters: "anti-radar missile" is a missile before it is a radar,
# "combat aircraft radar" a sensor before an aircraft, "anti-aircraft gun" air defence before aircraft.
RULES = [
    (r"turret", "other"),
    (r"\bengine\b|turbofan|turbojet|turboprop|gas turbine|reactor", "engines"),
    (r"satellite", "satellites"),
    (r"missile(?! boat)|torpedo(?! boat)|\bbomb\b|guided|munition|one-way attack|\bsam\b(?! system)", "missiles"),
    (r"radar|sonar|electro-optical|\beo\b|search system|reconnaissance system|intelligence system", "sensors"),
    (r"naval", "naval-weapons"),
    (r"anti-aircraft|sam system|air-defence|\bad system|abm system", "air-defence-systems"),
    (r"aircraft|helicopter|uav|airship|drone", "aircraft"),
    (r"\bgun\b|howitzer|mortar|rocket launcher|artillery", "artillery"),
    (r"\btank\b|armoured|fighting vehicle|fire-support vehicle|bridgelayer", "armoured-vehicles"),
    (r"ship|boat|craft|submarine|corvette|frigate|destroyer|cruiser|mine|tanker|\btug\b|icebreaker|landing", "ships"),
]
COMPILED = [(re.compile(pattern), slug) for pattern, slug in RULES]
FALLBACK = "other"
# Every slug the rules above can answer: the categories an import needs to find in the database.
SLUGS = frozenset({FALLBACK, *EXCEPTIONS.values(), *(slug for _, slug in RULES)})


def category_for_description(description: str) -> str:
    """The category slug for a SIPRI description such as `transport helicopter`; `other` when unsure."""
    key = " ".join(description.lower().split())
    if key in EXCEPTIONS:
        return EXCEPTIONS[key]
    for pattern, slug in COMPILED:
        if pattern.search(key):
            return slug
    return FALLBACK
