"""Reading an article into proposed deals, deterministically, from the registry's vocabulary and cue words.

The article is split into sentences and each sentence into clauses around its transfer verbs. In each clause the
extractor finds actor mentions (names, aliases, metonyms, demonyms, companies standing for their state), system
mentions (known designations and aliases, designation-shaped words the registry lacks, named kit followed by a
kind of weapon, and unnamed kit such as "anti-aircraft missiles"), the stage cue with the direction it implies
(a buyer's verb or a seller's), prepositions that give roles ("from", "to", "with"), quantities, years and hedges.
Clauses that negate or refuse a transfer, or that have no transfer verb at all (a system in combat, at a parade, a
forecast), yield nothing. docs/intake.md states every rule; nothing here reads the network or a model file."""

import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import date

from actors.choices import AliasKind

from .vocabulary import TOKEN, Vocabulary, actor_key, strict_case, system_key

# ---- The cue words ------------------------------------------------------------------------------------------------

BUY, SELL, NEUTRAL = "buy", "sell", "neutral"
# Getting weapons, in the forms a clause of intent takes ("wants to buy", "is considering buying").
# What a verb of giving or getting may take that is no weapon ("received offers", "decided to give priority").
NOT_GOODS = (
    r"(?! (?:\w+ ){0,2}(?:offers?|bids?|proposals?|approval|requests?|letters?|invitations?|assurances?|permission|"
    r"consent|priority|training|funding|support|the go-ahead|the green light|access)\b)"
)
GETTING = r"(?:buy(?:ing|s)?|acquir(?:e|es|ing)|purchas(?:e|es|ing)|procur(?:e|es|ing)|obtain(?:s|ing)?|order(?:ing)?)"

# Stage cues, as regular expressions over the lower-cased clause, each with the stage it states and the side its
# grammatical subject is on. Earlier entries win when two overlap; the clause's stage is the furthest one stated.
STAGE_CUES: list[tuple[str, str, str]] = [
    # "Ecuador has abandoned a plan to send its old helicopters to the United States": the sender's plan.
    (
        r"\b(?:cancel(?:l?ed|s)?|scrapped|abandoned|dropped|shelved|called off|ditched|froze) (?:a |an |the |its |their )?"
        r"(?:\w+ ){0,2}(?:plans?|deal|offer|agreement|proposal) to (?:send|sell|supply|give|transfer|donate|deliver|"
        r"export|hand over)\b",
        "cancelled",
        SELL,
    ),
    (
        r"\b(?:cancel(?:l?ed|s)?|scrapped|terminated|withdrew from|called off|abandoned|walked away from|"
        r"pulled out of|suspend(?:ed|s|ing)? (?:the )?(?:talks|discussions|negotiations)|"
        r"(?:was|were|has been|had been|is being) (?:removed|excluded|expelled|kicked out|suspended) from|"
        r"(?:talks|negotiations|deal|contract|plan|bid)(?: [^.;,]{1,60}?)? (?:collapsed|fell through|broke down|fell apart)|"
        r"drop(?:s|ped|ping)? (?:the |its |a |an )?(?:planned |proposed )?(?:plan|option|bid|order|deal|purchase|talks)|"
        r"(?:stopped|halted|ditched|froze|shelved) (?:the |its |their |a )?(?:\w+ )?(?:plans?|programme|program|project|purchase)|"
        r"(?:threw out|rejected|voted down|shelved|scrapped) (?:a |an |the |its )?(?:\w+ ){0,2}(?:plan|deal|purchase|order|"
        r"contract|bid)s? to (?:buy|purchase|acquire|lease)|"
        r"(?:option|plan|bid|talks|deal|order|contract) (?:[\w'’,]+ ){0,8}dropped|"
        r"never (?:took|came into|entered into) (?:effect|force))\b",
        "cancelled",
        BUY,
    ),
    (r"\b(?:is|are) (?:now |still )?taking delivery\b", "delivery_in_progress", BUY),
    (r"\b(?:took|taken|takes|take|taking) delivery\b", "delivered", BUY),
    (
        r"\b(?:first|initial|second|third|fourth|latest|next|another|batches|shipments|consignments)\b[^.;]{0,120}?\b(?P<verb>arrived|landed|"
        r"(?:were|was|have|has|had)(?: already| now)?(?: been)? (?:delivered|handed over|unloaded|received|commissioned))\b",
        "delivery_in_progress",
        NEUTRAL,
    ),
    (
        r"\b(?:took|taken|takes|has taken|have taken|received|receives|has received|have received|welcome[sd]?) "
        r"(?:delivery of )?"
        r"(?:the |its |their |her |his )?(?:first|initial|second|third|fourth|latest|next|another)\b",
        "delivery_in_progress",
        BUY,
    ),
    (r"\b(?:are|is) being (?:delivered|supplied|shipped|handed over)\b", "delivery_in_progress", NEUTRAL),
    (
        r"\b(?:is|are|has been|have been)(?: still| now| already)? (?:sending|delivering|supplying|shipping|handing over|"
        r"transferring)\b|\b(?:kept|keeps|has kept|have kept|continues|continued) (?:sending|delivering|supplying|shipping)\b|"
        r"\b(?:began|begun|started|starts) (?:handing (?:them |it )?over|sending|supplying|transferring|delivering|shipping)\b|"
        r"\b(?:handed over|delivered|supplied|sent|shipped) (?:the |its |their )?(?:first|initial)\b",
        "delivery_in_progress",
        SELL,
    ),
    (
        r"\b(?:pledged|promised|committed|has committed|have committed|agreed to send|will send|"
        rf"decided to (?:send|give|donate|transfer|supply|provide|hand over){NOT_GOODS}|"
        r"approved (?:\w+ ){0,3}the (?:transfer|delivery|donation)|"
        r"(?:approved|voted for|voted to approve) (?:sending|handing over|transferring|donating|giving)|"
        r"voted to (?:send|give|donate|transfer|supply|hand over))\b",
        "agreement",
        SELL,
    ),
    (
        r"\b(?:deliveries|delivery)(?: of [^.;,]{1,80}?)? (?:began|started|have begun|has begun|have started|"
        r"has started|are under way|are underway|continue[sd]?)\b",
        "delivery_in_progress",
        NEUTRAL,
    ),
    (
        r"\b(?:began|begun|started|starts|continues|continued) (?:to )?(?:deliver|ship)\b|"
        r"\b(?:have|has) been arriving\b|\b(?:are|is|began|started|continue[sd]?) (?:to )?arriv(?:e|ing)\b",
        "delivery_in_progress",
        NEUTRAL,
    ),
    (
        r"\b(?:began|begun|started|starts|continues|continued) (?:to )?receiv(?:e|ing)\b",
        "delivery_in_progress",
        BUY,
    ),
    (
        rf"\b(?:received|receives|has received|have received|got|obtained)\b{NOT_GOODS}",
        "delivered",
        BUY,
    ),
    # "The air force has received offers of the F-16 from Lockheed Martin": the buyer is the subject.
    (
        r"\b(?:received|receives|has received|have received|got) (?:\w+ ){0,2}(?:offers?|bids?|proposals?)\b",
        "offer",
        BUY,
    ),
    (
        r"\b(?:handed over|delivered|shipped|transferred|donated|gifted|sent|provided|supplied|exported|gave(?! up\b)|"
        r"hands(?: over)?|handed(?! (?:over|down|out|back)\b)|gives|delivers|supplies|"
        r"(?:has|have|had) given|(?:giving|handing over|sending) (?:\S+ ){1,8}?to)\b(?! (?:to \w+ )?(?:the |a |an |its |their )?(?:letters?|requests?|proposals?|"
        r"documents?|messages?|notes?|delegations?|teams?|envoys?|invitations?|signals?|consent|approval|permission|"
        r"green light|go-ahead|assurances?|backing|support|priority|access|up)\b)",
        "delivered",
        SELL,
    ),
    (
        r"\b(?:arrived|landed (?:in|at)|were unloaded|was unloaded|(?:were|was) (?:inducted|commissioned))\b",
        "delivered",
        NEUTRAL,
    ),
    # "aircraft landed at Belgrade's airport to deliver the FK-3": the carrier's side is the supplier's.
    (
        r"\b(?:landed|arrived|docked)(?: [^.;,]{1,80}?)?(?: to (?:deliver|bring|hand over)|,(?: \w+ly)? (?:delivering|bringing))\b",
        "delivered",
        SELL,
    ),
    (r"\bcame (?:as part of|under|in)\b", "delivered", NEUTRAL),  # "came as part of the 1999 arms package"
    (r"\bdid (?:deliver|supply|send|hand over)\b", "delivered", SELL),  # "Navantia did deliver all eight"
    (
        r"\b(?:has|have) been (?:receiving|taking)\b|\b(?:is|are) (?:now |still )?receiving\b",
        "delivery_in_progress",
        BUY,
    ),
    (
        r"\b(?:first|latest|second|new|next) (?:shipment|batch|consignment|delivery)\b[^.;]{0,40}?\binclud(?:e|es|ed|ing)\b",
        "delivery_in_progress",
        NEUTRAL,
    ),
    (r"\b(?:leased|leases|rented|borrowed) from\b|\bon (?:a )?(?:\S+ )?(?:lease|loan) from\b", "delivered", BUY),
    (
        r"\b(?:placed an? (?:firm )?order|placed (?:a|an|its|the) (?:\S+ ){0,4}(?:contract|order)|(?:has|have|had) (?:\S+ ){0,6}on order|ordered|orders|purchased|bought|acquired|procured|contracted|"
        r"(?:signed|sent|returned) (?:\w+ ){0,4}letters? of (?:offer and )?acceptance|signed up (?:to buy|for)|"
        r"announced (?:the |a |an )?(?:\S+ ){0,2}(?:purchase|acquisition|order)|paid (?:\S+ ){1,5}for|"
        r"signed (?:(?:a|an|the) )?(?:\S+ ){0,4}(?:contracts?|purchase)|signed (?!(?:a |an |the )?(?:letter of intent|memorandum|mou|agreement|deal|accord|framework))(?:(?:(?!\bto\b)[^.;,]){1,60}? )?for|signing (?:(?:(?!\bto\b)[^.;,]){1,60}? )?for|exercised an option|"
        r"(?:became|becomes|become|is|was) the (?:first|latest|second|newest) (?:\w+ )?(?:buyer|customer)|"
        r"buys|signs for|signs up for|(?:is|are) (?:buying|purchasing|acquiring|ordering)|awaiting|awaits|"
        r"(?:concluded|inked|sealed|finali[sz]ed) (?:a|an|the) (?:\S+ ){0,4}contracts?|"
        r"(?:contract|deal),? (?:was |has been |had been )?"
        r"(?:signed|awarded|concluded)|"
        # "A second contract for eight more, worth roughly 1.3 billion dollars, was signed in November 2022"
        r"(?:contract|deal) for [^.;,]{1,40}, (?:[^.;,]|\.(?=\d)){1,60}, (?:was|has been|had been) "
        r"(?:signed|awarded|concluded)|awarded (?:a|an|the) (?:\w+ ){0,2}contract|finali[sz]ed (?:a|an|the) (?:\w+ ){0,2}"
        r"(?:order|purchase|contract))\b",
        "order",
        BUY,
    ),
    (r"\b(?:sold|will sell|is selling)\b", "order", SELL),
    # "India's 2018 contract for Russia's S-400", "a December 2017 contract that centred on 24 Typhoons", "a
    # 30-billion-peso contract with HD Hyundai for": a contract dated or priced is one signed.
    (
        r"\b(?:(?:january|february|march|april|may|june|july|august|september|october|november|december) )?"
        r"(?:19|20)\d\d (?:contract|deal|order)\b|\b[\w.]+-(?:billion|million)-[\w-]+ (?:contract|deal|order)\b",
        "order",
        NEUTRAL,
    ),
    # "Saudi Arabia's order for the Akinci", "Poland's purchase of 250 Abrams": a buyer's order named as a thing.
    (
        r"(?<=['’]s )(?!(?:planned|proposed|possible|potential|intended|prospective|future|mooted|hoped-for)\b)"
        r"(?:[\w-]+ ){0,2}(?:order|purchase|acquisition|contract) (?:for|of(?! (?:19|20)\d\d))\b",
        "order",
        NEUTRAL,
    ),
    # A maker or seller winning the buyer's order: "Saab won a contract from Thailand" (the buyer follows "from").
    (
        r"\b(?:won|wins|secured|secures|landed|clinched|(?:was|has been|had been) awarded|received|bagged) "
        r"(?:a |an |the )?(?:\S+ ){0,3}(?:order|contract|deal)s? from\b",
        "order",
        SELL,
    ),
    (
        r"\b(?:won|wins|secured|secures|clinched) (?:a |an |the )?(?:\S+ ){0,3}(?:order|contract)s?(?: [^.;,]{1,30}?)? "
        r"(?:for|to supply)\b",
        "order",
        SELL,
    ),
    (
        r"\b(?:reached|signed|concluded|struck|inked|sealed|clinched|finali[sz]ed) (?:an?|the) (?:\w+ ){0,3}"
        r"(?:agreements?|deal|accord|memorandum|framework)\b|\bagreed (?:(?:in|on|last|this) \w+ )?(?:to (?:buy|purchase|"
        r"acquire|procure)|on)\b|"
        r"\b(?:agreement|deal) (?:was|has been|had been) (?:signed|reached|concluded)\b|"
        r"\bapproved (?:\S+ ){0,6}for the (?:purchase|acquisition|procurement) of\b|\bagreed (?:a|an|the) (?:\S+ ){0,2}"
        r"(?:package|deal|contract)\b|"
        rf"\b(?:will|is to|are to|is set to|are set to|is due to) {GETTING}\b|"
        rf"\b(?:said|says|announced) (?:that )?(?:\w+ ){{0,3}}(?P<verb>would {GETTING})\b",
        "agreement",
        BUY,
    ),
    (
        r"\bagreed (?:(?:in|on|last|this) \w+ )?to (?:supply|sell|deliver|provide|transfer|give|build|send|donate|hand over)\b|\bwill (?:supply|deliver|provide|transfer)\b|"
        r"\b(?:is|are) (?:set|due|expected) to (?:supply|deliver|provide|send|transfer|hand over)\b|\b(?:is|are) to (?:supply|deliver|provide|sell)\b|"
        r"\b(?:would|will) hand (?:over|them over|it over)\b|\bwill (?:also )?(?:donate|give|send|gift)\b|"
        r"\b(?:said|saying|says) (?:that )?\w+ (?P<verb>would (?:also )?(?:give|donate|send|supply|provide))\b|"
        r"\b(?:is|are|was|were) going to (?:provide|supply|sell|deliver|send|give)\b|"
        r"\b(?:said|says|announced) (?:\w+ ){0,3}?(?:that )?(?:it|they) would (?:send|supply|provide|deliver|donate|give)\b",
        "agreement",
        SELL,
    ),
    # "Israel is reported to be discussing the sale of loitering munitions": the seller discusses a sale.
    (r"\bdiscuss(?:ed|es|ing)? (?:the |a |an )?(?:possible |potential )?sale\b", "negotiation", SELL),
    (
        r"\b(?:negotiat(?:e|es|ed|ing|ions?)|in talks|holding talks|held talks|talks (?:with|on|over|about)|"
        r"discuss(?:ed|ing)? (?:the )?(?:purchase|acquisition|supply|deal)|(?:intends?|plans?|hopes?|expects?) to sign|"
        r"(?:close to|nearing|near) (?:a |an |the )?(?:\w+ )?(?:deal|agreement|contract)|"
        r"(?:expected|set|poised|close|due) to "
        r"(?:sign|signing|finali[sz]e|conclude))\b",
        "negotiation",
        BUY,
    ),
    # "A package of Harpoon coastal-defence missiles was approved in October 2020": the seller's approval.
    (
        r"\b(?:sales?|package|transfer)(?: of [^.;,]{1,80}?)? (?P<verb>(?:was|were|has been|have been|had been) "
        r"(?:approved|cleared|authori[sz]ed))\b",
        "offer",
        NEUTRAL,
    ),
    (
        r"\b(?:offered|offers|has offered|proposed|pitched|pitching|pitches|would be (?:willing|ready|prepared) to (?:support|supply|"
        r"sell|provide|deliver|help|transfer)|(?:is|are) (?:willing|ready|prepared) to (?:supply|sell|provide|"
        r"deliver|transfer)|approved (?:a |the )?(?:possible |potential |proposed )?(?:sale|transfer|export)|"
        r"notified congress (?:[^.;,]{1,30}? )?of (?:a |the )?(?:possible |potential |proposed )?(?:sales?|transfers?)|"
        rf"(?:cleared|approved|authori[sz]ed) (?:\S+ ){{1,3}}to {GETTING})\b",
        "offer",
        SELL,
    ),
    (
        r"\b(?:(?:is|are|was|were|be|been|would be|became|remains?) (?:\w+ ){0,3}?interested in|interest in (?:buying|acquiring|"
        rf"purchasing|procuring)|would be (?:willing|keen|ready) to {GETTING}|"
        rf"\bwants\b|\bto want\b|(?:would|'d) like to (?:\w+ )?{GETTING}|(?:would|'d) like(?! to\b)|"
        r"(?:wants?|wanted|plans?|planned|planning|intends?|intended|seeks?|sought|seeking|hopes?|hoped|looking|"
        rf"aims?|considering|considers|mulling|eyeing|eyes|interested in|keen to|intention to) (?:to )?{GETTING}|"
        rf"intention (?:[^\s.;]+ ){{0,6}}to {GETTING}|(?:is|are) considering|shortlisted|pre-?selected|asked about {GETTING}|"
        r"(?:enquired|inquired|expressed interest)|(?:to |is |are )?(?:favour|favor)s? (?:the |a |an )|letter of intent|(?:looking|looked|look) (?:closely )?at|asked (?:\S+ ){0,3}for|"
        r"requested|request(?:ed)? (?:for|to buy))\b",
        "interest",
        BUY,
    ),
]
STAGE_ORDER = ["interest", "offer", "negotiation", "agreement", "order", "delivery_in_progress", "delivered"]
# Which cue a clause goes by when several match: the furthest stage, except that words saying only part has come
# ("took delivery of the first") outrank those of a whole delivery they contain.
CUE_RANK = ["interest", "offer", "negotiation", "agreement", "order", "delivered", "delivery_in_progress", "cancelled"]

# A cue under these words is not a transfer: a refusal, a denial, a negation, a forecast.
NEGATION = re.compile(
    r"\b(?:not|n't|never|no longer|ruled out|rule out|rules out|rejected|rejects|refused|refuses|declined|declines|"
    r"denied|denies|dismissed|vetoed|blocked|turned down|opted against|decided against|instead of|rather than)\b"
)
# A refusal anywhere in the clause of the cue drops it; past one of these words it belongs to another clause.
REFUSAL = re.compile(
    r"\b(?:ruled out|rejected|refused|turned down|denied|vetoed|blocked|declined|declines|failed to|fails to|lost out)\b"
)
SUBORDINATE = re.compile(r", (?:and|but|while|whereas)\b|;|\b(?:which|who|whom|whose|after|where|when|since)\b")
# A delivery cue in the future or the conditional is no delivery yet.
FUTURE = re.compile(
    r"\b(?:will|would|could|should|may|might|to be|expected to|scheduled to|due to|set to|plans? to)"
    r"(?: \w+){0,2}(?: (?:in|at|from|by) \w+)?(?: and)? $"  # "are to be built in Istanbul and delivered"
)

HEDGES: list[tuple[str, str]] = [
    (
        r"\breportedly\b|\baccording to\b|\b(?:is|are|was|were) (?:said|reported|understood|believed) to\b|"
        r"\bsources (?:said|say|told)\b|\breports? (?:say|said|suggest)\b|\bclaimed\b|\ballegedly\b",
        "reported",
    ),
    (r"\bwould be (?:willing|interested|keen|ready|prepared)\b|\bcould\b|\bmight\b|\bmay\b|\bif\b", "conditional"),
    (
        r"\b(?:intention|intends?|intended|hopes?|hoped|plans?|planned|planning|aims?|wants?|wanted|seeks?|sought|"
        r"expected to|is set to|is due to)\b",
        "intended",
    ),
]

# Kinds of kit: the head nouns a source names weapons by, with SIPRI's category. Vague ones ("weapons") give way
# to a precise one for the same parties.
KIT: dict[str, str] = {
    "fighter jets": "aircraft",
    "fighter aircraft": "aircraft",
    "combat aircraft": "aircraft",
    "jets": "aircraft",
    "fighters": "aircraft",
    "aircraft": "aircraft",
    "planes": "aircraft",
    "warplanes": "aircraft",
    "bombers": "aircraft",
    "trainers": "aircraft",
    "jet trainers": "aircraft",
    "trainer jets": "aircraft",
    "turboprops": "aircraft",
    "light attack aircraft": "aircraft",
    "attack helicopters": "aircraft",
    "airlifters": "aircraft",
    "helicopters": "aircraft",
    "gunships": "aircraft",
    "choppers": "aircraft",
    "tankers": "aircraft",
    "drones": "aircraft",
    "uavs": "aircraft",
    "ucavs": "aircraft",
    "unmanned aerial vehicles": "aircraft",
    "air defence systems": "air-defence-systems",
    "air defense systems": "air-defence-systems",
    "air-defence systems": "air-defence-systems",
    "air-defense systems": "air-defence-systems",
    "anti-aircraft systems": "air-defence-systems",
    "sam systems": "air-defence-systems",
    "tanks": "armoured-vehicles",
    "armoured vehicles": "armoured-vehicles",
    "armored vehicles": "armoured-vehicles",
    "infantry fighting vehicles": "armoured-vehicles",
    "apcs": "armoured-vehicles",
    "ifvs": "armoured-vehicles",
    "armoured personnel carriers": "armoured-vehicles",
    "armored personnel carriers": "armoured-vehicles",
    "howitzers": "artillery",
    "artillery": "artillery",
    "rocket launchers": "artillery",
    "mortars": "artillery",
    "guns": "artillery",
    "artillery systems": "artillery",
    "launchers": "artillery",
    "missiles": "missiles",
    "rockets": "missiles",
    "interceptors": "missiles",
    "torpedoes": "naval-weapons",
    "batteries": "air-defence-systems",
    "radars": "sensors",
    "radar systems": "sensors",
    "satellites": "satellites",
    "engines": "engines",
    "submarines": "ships",
    "frigates": "ships",
    "corvettes": "ships",
    "destroyers": "ships",
    "warships": "ships",
    "patrol vessels": "ships",
    "patrol boats": "ships",
    "vessels": "ships",
    "ships": "ships",
    "cutters": "ships",
    "boats": "ships",
    "ammunition": "other",
    "shells": "other",
    "munitions": "other",
    "rifles": "other",
    "weapons": "other",
    "weaponry": "other",
    "arms": "other",
    "equipment": "other",
    "technology": "other",
    "hardware": "other",
}
# Words before a kind of kit that leave it the one already named ("the", "its", "of the").
DETERMINERS = {
    "the",
    "a",
    "an",
    "its",
    "their",
    "his",
    "her",
    "our",
    "these",
    "those",
    "of",
    "and",
    "more",
    "other",
    "existing",
    "current",
    "remaining",
    "same",
    "old",
    "older",
    "ageing",
    "aging",
    "original",
    "first",
    "last",
    "leased",
    "further",
}
# Words that name a variant of a weapon, never a weapon on their own.
VARIANT_WORDS = {"block", "batch", "flight", "tranche", "lot", "increment", "mark", "mk", "standard", "version"}
# A kind of kit in the singular after "the", "this": the one already named ("the system": whatever it was).
ANAPHORA = {
    "drone": "aircraft",
    "jet": "aircraft",
    "fighter": "aircraft",
    "helicopter": "aircraft",
    "missile": "missiles",
    "tank": "armoured-vehicles",
    "howitzer": "artillery",
    "launcher": "artillery",
    "submarine": "ships",
    "frigate": "ships",
    "corvette": "ships",
    "system": None,
    "type": None,
}
# Words after such a singular that make it a modifier of something else ("the drone maker", "the tank fleet").
NOT_ANAPHORA = {
    "maker",
    "makers",
    "manufacturer",
    "industry",
    "programme",
    "program",
    "market",
    "deal",
    "sale",
    "sales",
    "strike",
    "strikes",
    "attack",
    "attacks",
    "war",
    "fleet",
    "factory",
    "plant",
    "base",
    "crews",
    "pilots",
    "force",
    "forces",
    "unit",
    "units",
}
VAGUE_KIT = {"weapons", "weaponry", "arms", "equipment", "technology", "hardware", "ammunition", "munitions"}
SINGULAR = {
    "aircraft": "aircraft",
    "artillery": "artillery",
    "ammunition": "ammunition",
    "arms": "arms",
    "weaponry": "weaponry",
    "equipment": "equipment",
    "technology": "technology",
    "hardware": "hardware",
}

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
VAGUE_NUMBERS = {
    "several",
    "some",
    "dozens",
    "hundreds",
    "thousands",
    "a few",
    "a number",
    "many",
    "a batch",
    "numerous",
    "multiple",
    "a handful",
    "scores",
}
APPROXIMATE = {
    "about",
    "around",
    "approximately",
    "roughly",
    "some",
    "up to",
    "nearly",
    "almost",
    "over",
    "more than",
    "at least",
    "an estimated",
    "estimated",
    "reportedly",
}

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
# Designation-shaped words that are not weapons.
NOT_DESIGNATIONS = {
    "covid19",
    "g7",
    "g8",
    "g20",
    "mh17",
    "q1",
    "q2",
    "q3",
    "q4",
    "h1",
    "h2",
    "p5",
    "b2b",
    "5g",
    "4g",
    "3g",
    "c4isr",
    "cop26",
    "cop27",
    "cop28",
    "cop29",
    "ps5",
    "a4",
}
DESIGNATION = re.compile(
    r"^(?:[A-Z](?:/[A-Z])?[A-Za-z]{0,5}-?\d{1,4}[A-Za-zÀ-ɏ0-9]*(?:[-/][A-Za-z0-9]+)*|\d{1,3}[A-Z]{1,3}\d{1,4}[A-Za-z0-9-]*)$"
)
# A capitalised word these never start a system's name.
COMMON_CAPITALS = {
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "by",
    "for",
    "and",
    "but",
    "or",
    "of",
    "to",
    "from",
    "with",
    "as",
    "its",
    "their",
    "his",
    "her",
    "this",
    "that",
    "these",
    "those",
    "it",
    "they",
    "we",
    "he",
    "she",
    "there",
    "here",
    "some",
    "all",
    "both",
    "each",
    "new",
    "more",
    "other",
    "such",
    "last",
    "next",
    "first",
    "second",
    "mr",
    "ms",
    "mrs",
    "dr",
    "president",
    "minister",
    "ministry",
    "army",
    "navy",
    "air",
    "force",
    "forces",
    "defence",
    "defense",
    "government",
    "state",
    "department",
    "however",
    "meanwhile",
    "also",
    "while",
    "after",
    "before",
    "since",
    "when",
    "what",
    "which",
    "who",
    "under",
    "over",
    "about",
    "around",
    "up",
    "between",
    "during",
    "western",
    "eastern",
    "northern",
    "southern",
    "european",
    "african",
    "asian",
    "soviet-era",
    "nato",
    "several",
    "many",
    "most",
    "few",
    "additional",
    "modern",
    "advanced",
    "used",
    "second-hand",
    "upgraded",
    "our",
    "your",
    "my",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    *MONTHS,
}
# Words after a demonym that make it stand for the state itself: "the Egyptian navy", "the Serbian programme".
STATE_NOUNS = {
    "army",
    "navy",
    "air",
    "military",
    "armed",
    "government",
    "ministry",
    "forces",
    "force",
    "defence",
    "defense",
    "authorities",
    "officials",
    "side",
    "programme",
    "program",
    "troops",
    "marines",
    "coast",
    "national",
    "state",
    "leadership",
    "president",
    "prime",
    "parliament",
    "company",
    "firm",
    "manufacturer",
    "maker",
    "industry",
    "contractor",
    "manufacturing",
    "domestic",
    "own",
    "drone",
    "arms",
    "weapons",
}
# Conjunctions before a party that open a clause of its own: it is that clause's subject, never an object.
SUBORDINATING = {"once", "when", "if", "unless", "because", "until", "whether"}
# Nouns after a state that make it a maker ("Turkey's shipbuilding consortium").
MAKER_NOUNS = {
    "company",
    "firm",
    "consortium",
    "shipyard",
    "shipbuilder",
    "manufacturer",
    "maker",
    "contractor",
    "group",
    "conglomerate",
}
# Last words of a company's name: a subject the registry does not know that signs as the seller ("Mitsubishi
# Electric signed with Manila").
COMPANY_WORDS = {
    "electric",
    "industries",
    "systems",
    "aerospace",
    "dynamics",
    "shipyards",
    "shipbuilding",
    "corporation",
    "corp",
    "ltd",
    "inc",
    "plc",
    "ag",
    "gmbh",
    "technologies",
    "defence",
    "defense",
    "aviation",
    "motors",
}
# Pronouns that stand for a state, not for whatever was named last.
STATE_PRONOUNS = {
    "the country",
    "the kingdom",
    "the government",
    "the republic",
    "the state",
    "the nation",
    "the defence ministry",
    "the defense ministry",
    "the ministry",
    "the army",
    "the navy",
    "the air force",
    "its military",
    "the military",
    "the armed forces",
    "its navy",
    "its army",
    "its air force",
    "defence minister",
    "defense minister",
    "parliament",
    "lawmakers",
}
# What "they", "it" or a state's institution before a verb may stand for: a state, or whatever was named last.
PRONOUNS = {"they", "it"} | STATE_PRONOUNS
# Words before a party that make it no subject of the clause's verb ("the war in Ukraine", "tension with Kosovo").
NOT_A_SUBJECT = {
    "visited",
    "visiting",
    "of",
    "in",
    "on",
    "against",
    "over",
    "about",
    "at",
    "into",
    "near",
    "than",
    "like",
    "including",
    "across",
    "between",
    "among",
    "with",
    "as",
    "through",
    "via",
    "during",
    "after",
    "before",
    "since",
    "within",
    "inside",
    "outside",
    "once",
    "when",
    "if",
    "unless",
    "because",
    "until",
    "whether",
    "told",
    "informed",
    "warned",
    "urged",
    "assured",
    "reminded",
}
# Words before a list of states that make them users of a weapon, not parties to a transfer.
IN_SERVICE = {"service with", "operated by", "used by", "flown by", "operators include", "users include"}
DEAL_NOUNS = {"purchase", "deal", "order", "contract", "sale", "buy", "acquisition"}
# Words that open a contrast or concession after a comma.
CONTRAST = {
    "but",
    "although",
    "though",
    "whereas",
    "while",
    "yet",
    "as",
    "after",
    "because",
    "prompting",
    "amid",
    "despite",
    "when",
    "where",
}
# Words that open a clause put before the main one ("After giving ..., Denmark ordered").
FRONTED = {"after", "before", "since", "while", "when", "although", "though", "having", "despite", "following", "once"}
# A purchase told of a weapon just named: "the Leopard 2A4s it bought second-hand from the Netherlands in 2001",
# "the PzH 2000s acquired from the Bundeswehr in 2015".
RELATIVE_PURCHASE = re.compile(
    r"(?:(?:that|which) )?(?:it|they) (?:had |has |have )?(?:already |originally |earlier )?(?:bought|ordered|"
    r"acquired|purchased|received|leased)\b|(?:that|which) (?:the )?(?:[\w-]+ ){1,3}(?:has |have |had )?(?:already )?"
    r"(?:bought|ordered|acquired|purchased|received|leased)\b|(?:acquired|bought|purchased|ordered|received|leased) (?:second-hand )?from\b",
    re.IGNORECASE,
)
# Another order of the kit just named, in a year of its own.
REPEAT = re.compile(
    r"\b(?:(?P<earlier>on top of|in addition to|besides) (?:the |its |their )?\w+ (?:it|they|that \w+) (?:had )?"
    r"(?:bought|ordered|acquired|purchased)|(?:another|a further|an additional) \w+(?: more)?|\w+ more)\b"
    r"[^.;]{0,30}?\bin (?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# Words that open a subordinate clause, which may state a transfer of its own.
# The year a clause says a deal was ordered or agreed, beside a later step it reports ("delivered from 2016 under a
# contract signed in December 2013", "a 2020 contract for 218 Lynx", "ordered in 2006 and in service since 2010").
ORDER_YEAR = re.compile(
    r"\b(?:(?:contract|deal|order|agreement)(?: for [^.;,]{1,40}?)? (?:was |were )?(?:signed|agreed|concluded|placed|awarded)|"
    r"(?:ordered|bought|purchased|signed|agreed|contracted)) (?:in|during) (?:(?:early |late |mid-)?[A-Za-z]+ )?"
    r"(?P<year>(?:19|20)\d\d)\b|\b(?:an?|the|its) (?P<year2>(?:19|20)\d\d) (?:contract|deal|order|agreement)\b"
)
SUBORDINATORS = {"after", "before", "whereby", "which", "when"}
# Words that join two clauses that each may state a transfer.
COORDINATORS = {"while", "whereas", "but", "and", "meanwhile", "although", "though"}
# Every word a clause can start at.
CLAUSE_WORDS = SUBORDINATORS | COORDINATORS | {"who", "despite"}
# Words that open, after a comma, a clause about the transfer's consequences (never "including").
CONSEQUENCE = {
    "which",
    "turning",
    "making",
    "bringing",
    "leaving",
    "prompting",
    "raising",
    "ending",
    "giving",
    "allowing",
    "marking",
    "putting",
    "adding",
    "taking",
    "boosting",
    "underscoring",
    "highlighting",
}
# Nouns before "from" that make what follows no seller of the clause's kit.
NOT_FROM_SELLER = {
    "alternative",
    "alternatives",
    "rival",
    "rivals",
    "competitors",
    "competition",
    "bids",
    "objections",
    "opposition",
    "pressure",
    "criticism",
    "warnings",
    "warning",
    "sanctions",
    "threats",
    "protests",
    "visit",
    "delegation",
    "officials",
}
# Participles before "by" that name a maker or a user, not a seller.
MADE = {
    "designed",
    "built",
    "made",
    "developed",
    "produced",
    "manufactured",
    "assembled",
    "operated",
    "used",
    "flown",
    "fired",
    "launched",
    "destroyed",
    "captured",
    "led",
    "headed",
    "organised",
    "organized",
    "coordinated",
}
# Words after "the Dutch", "the British" that leave it the nation, not an adjective of what follows.
NATION_FOLLOWERS = {
    "and",
    "or",
    "in",
    "to",
    "for",
    "from",
    "with",
    "at",
    "on",
    "by",
    "of",
    "have",
    "has",
    "had",
    "were",
    "was",
    "are",
    "is",
    "will",
    "would",
    "say",
    "said",
    "also",
    "who",
    "which",
    "that",
    "as",
    "but",
    "than",
}
# Nouns after a state that make it the author of a measure, not a party ("US sanctions", "the EU embargo").
ATTRIBUTES = {"sanctions", "embargo", "embargoes", "ban", "bans", "law", "laws", "objections", "veto", "pressure"}
# Nouns before "with" that make what follows a neighbour or a foe, not a party.
CONFLICT = {"border", "borders", "frontier", "war", "conflict", "clashes", "tension", "tensions", "dispute", "standoff"}
# Words of a force's name, never the start of a weapon's.
FORCE_WORDS = {"coast", "guard", "navy", "army", "air", "force", "marine", "marines", "corps", "naval", "national"}
# What navies write before a ship's name.
SHIP_PREFIXES = {
    "HMS",
    "USS",
    "INS",
    "BRP",
    "KRI",
    "HMAS",
    "HMNZS",
    "HMCS",
    "ROKS",
    "TCG",
    "ARA",
    "BNS",
    "PNS",
    "SLNS",
    "NRP",
    "HNLMS",
    "HDMS",
    "HNoMS",
    "HSwMS",
    "ESPS",
    "ITS",
    "RSS",
    "KD",
    "HTMS",
    "BAP",
    "ENS",
    "LÉ",
    "ORP",
    "HS",
    "JS",
}
# Words before "to" that make its object a destination, not a recipient ("a visit to Belgrade", "flew to Doha").
TRAVEL = {
    "visit",
    "visits",
    "trip",
    "trips",
    "tour",
    "him",
    "her",
    "them",
    "travelled",
    "traveled",
    "flew",
    "went",
    "returned",
    "ambassador",
    "envoy",
    "relations",
    "ties",
    "threat",
    "threats",
    "close",
    "next",
    "border",
    "switched",
}
# Words before "to" that make its object a former owner ("howitzers that had belonged to East Germany").
FORMER = {"belonged", "belonging", "belongs", "returned", "loaned"}
DESIGNED = re.compile(r"-(?:designed|developed)$", re.I)
ORIGIN_SUFFIX = re.compile(r"-(?:made|built|designed|produced|origin|supplied|developed|manufactured)$", re.I)
PASSIVE = re.compile(r"\b(?:is|are|was|were|been|being|be)(?: (?:first|already|now|later|also|originally|\w+ly))?\s+$")

WORD_RE = re.compile(r"[0-9A-Za-zÀ-ɏ]")


# ---- What comes out ---------------------------------------------------------------------------------------------


@dataclass
class Party:
    party: int | None  # the state it stands for; None when the mention is not in the registry
    text: str
    start: int
    end: int
    actor: int | None = None  # the actor named (a company, a capital's state, a person)
    weak: bool = False  # only where the kit comes from ("Russian-made"), not a party named in its role
    candidates: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class Kit:
    system: int | None  # a registry system, when the mention names one
    text: str
    start: int
    end: int
    designation: str = ""  # a designation the registry lacks
    generic: str = ""  # the kind of kit for unnamed weapons ("drones")
    category: str = "other"
    description: str = ""
    candidates: list[tuple[int, float]] = field(default_factory=list)
    origin: Party | None = None  # a demonym or maker written beside it
    quantity: int | None = None
    quantity_text: str = ""
    quantity_is_estimate: bool = False


@dataclass
class Finding:
    supplier: Party | None
    recipient: Party | None
    kit: Kit
    stage: str
    kind: str
    year: int | None
    year_text: str
    quote_start: int
    quote_end: int
    hedge: str
    hedge_text: str
    confidence: float
    cue: str
    pronoun: str = ""

    @property
    def key(self) -> tuple:
        kit = self.kit.system or self.kit.designation.lower() or f"generic:{self.kit.generic}"
        return (self.supplier and self.supplier.party, self.recipient and self.recipient.party, kit, self.kind)

    def same_deal(self, other: "Finding") -> bool:
        """Two statements of one deal: the same parties, kit and kind, and no two different years stated (an
        order of 2015 and another of 2021 are two deals)."""
        if self.key[:3] != other.key[:3] or (self.kind != other.kind and "unspecified" not in (self.kind, other.kind)):
            return False
        if (
            self.year is None
            or other.year is None
            or self.year == other.year
            or not (self.year_text and other.year_text)
        ):
            return True
        # "ordered in December 2022", "took delivery last month of the first": the order's delivery, not a second deal.
        ordered, delivered = sorted((self, other), key=lambda f: f.stage in ("delivered", "delivery_in_progress"))
        return (
            ordered.stage in ("order", "agreement")
            and delivered.stage in ("delivered", "delivery_in_progress")
            and ordered.year < delivered.year
        )


# ---- Reading ----------------------------------------------------------------------------------------------------


@dataclass
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return bool(WORD_RE.match(self.text))


SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z])")
ABBREVIATIONS = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Ms|Mrs|Dr|St|Gen|Lt|Col|Maj|Capt|Adm|No|Corp|Inc|Ltd|"
    r"Co|Jr|Sr|vs|approx|est|Sept|Oct|Nov|Dec|Jan|Feb|Mar|Apr|Aug)\.)$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, never splitting after an abbreviation ("U.S. Army") or inside a number."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if (
            match.group().strip() == ""
            and "\n" not in match.group()
            and ABBREVIATIONS.search(text[start : match.start()])
        ):
            continue
        end = match.start()
        if text[start:end].strip():
            spans.append(_trimmed(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trimmed(text, start, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Reader:
    """One article's reading: the vocabulary, the publication date, and what earlier sentences named."""

    def __init__(self, vocabulary: Vocabulary, published_on: date | None = None):
        self.vocabulary = vocabulary
        self.published_on = published_on
        self.last_subject: Party | None = None  # for "they", "the country"
        self.last_subjects: list[Party] = []  # all of a coordinated subject ("Israel and Morocco signed")
        self.last_kit: Kit | None = None  # for "the deal" with no kit named
        self.named: dict[str, Kit] = {}  # systems this article named that the registry lacks, by key
        self.last_named: dict[str, Kit] = {}  # the last weapon named by designation, by category
        self.times_named: dict[object, tuple[int, Kit]] = {}  # how often each weapon is named: the report's topic
        self.last_supplier: Party | None = None
        self.text = ""  # the whole article, for what one sentence cannot tell ("Rafales" is the plural of "Rafale")
        self.last_recipient: Party | None = None  # the recipient a report is about, when a sentence omits it
        self.last_company: Party | None = None  # for "the company"
        self.recent_supplier: Party | None = None  # the sides of the deal last stated
        self.recent_recipient: Party | None = None
        self.recipient_counts: dict[int, int] = {}
        self.recipient_named: dict[int, Party] = {}
        self.suppliers_of: dict = {}  # each kit's supplier as first stated, for later sentences that omit it
        self.families: dict[str, int | None] = {}  # new designations' registry family, by key
        self.subject_buys = False  # whether the sentence of the last subject called it a buyer
        self.aside_kit: Kit | None = None  # the one weapon the sentence before named without a deal
        self.holder: Party | None = None
        self.last_year: int | None = None  # the last year a sentence stated: what "the same year" means next
        self.sentence_start = 0

    # -- mentions --

    def actor_at(self, tokens: list[Token], i: int) -> tuple[int, list] | None:
        """The longest actor name starting at token i: (width, entries)."""
        if not tokens[i].is_word:
            return None
        offset = 1 if tokens[i].lower == "the" else 0
        if i + offset >= len(tokens):
            return None
        first = tokens[i + offset].text
        starts = self.vocabulary.actor_starts
        if actor_key([first]) not in starts and actor_key([ORIGIN_SUFFIX.sub("", first)]) not in starts:
            return None
        for width in range(min(self.vocabulary.actor_width, len(tokens) - i - offset), 0, -1):
            span = tokens[i + offset : i + offset + width]
            if not all(t.is_word for t in span):
                continue
            words_ = [t.text for t in span]
            if width == 1 and ORIGIN_SUFFIX.search(words_[0]):
                words_ = [ORIGIN_SUFFIX.sub("", words_[0])]  # "Russian-made", "Soviet-designed"
            entries = self.vocabulary.actors.get(actor_key(words_))
            if not entries:
                continue
            first = span[0].text
            entries = [e for e in entries if not e.strict or strict_case(" ".join(words_))]
            if entries and first[:1].isupper():
                return width + offset, entries
        return None

    def system_at(self, tokens: list[Token], i: int) -> tuple[int, list] | None:
        if not tokens[i].is_word:
            return None
        head = system_key([re.sub(r"(?i)-class$", "", tokens[i].text)])
        if head not in self.vocabulary.system_prefixes and head[:-1] not in self.vocabulary.system_prefixes:
            return None  # no name starts so ("Rafales" and "Scorpène-class" are looked up as "Rafale", "Scorpène")
        for width in range(min(self.vocabulary.system_width, len(tokens) - i), 0, -1):
            span = tokens[i : i + width]
            if not all(t.is_word for t in span):
                continue
            key = system_key([t.text for t in span])
            entries = self.vocabulary.systems.get(key)
            if entries is None and width == 1 and re.search(r"(?i)-class$", span[0].text):
                entries = self.vocabulary.systems.get(system_key([span[0].text[:-6]]))  # "Scorpène-class"
            if entries is None and key.endswith("s") and len(key) > 3:
                entries = self.vocabulary.systems.get(key[:-1])
            if not entries:
                continue
            # A designation needs its capitals as written; a generic name ("anti-aircraft missiles") does not.
            named = [e for e in entries if e.generic or span[0].text[:1].isupper() or span[0].text[:1].isdigit()]
            if named:
                return width, named
        return None

    def kit_at(self, tokens: list[Token], i: int) -> tuple[int, str] | None:
        """A kind of kit starting at token i ("fighter jets", "air defence systems")."""
        for width in (4, 3, 2, 1):
            span = tokens[i : i + width]
            if len(span) < width or not all(t.is_word for t in span):
                continue
            phrase = " ".join(t.lower for t in span)
            if phrase in KIT:
                return width, phrase
        return None

    def designation_at(self, tokens: list[Token], i: int) -> int:
        """Width of a weapon's name the registry lacks, starting at token i, or 0. A designation-shaped word with
        whatever completes it ("CH-92", "F-16 Block 70", "M1A2 SEPv3 Abrams", "JF-17C Block III"); a name and a
        number ("Leopard 2A7", "Challenger 2", "Wing Loong II", "Strv 122"); or a name, one to three words, followed
        by a kind of weapon ("Storm Shadow cruise missiles", "Rafale fighter jets", "HIMARS launchers")."""
        if tokens[i].lower in VARIANT_WORDS or ROMAN.match(tokens[i].text):
            return 0  # "half of them older Block IV rounds": a variant of something named, not a weapon
        if tokens[i].lower in NUMBER_WORDS or tokens[i].lower in FORCE_WORDS:
            # "Twelve Cheetah fighters" at the start of a sentence: a count, not part of the name; "Coast Guard
            # Hamilton-class cutters": whose they were.
            return 0
        if tokens[i].text in SHIP_PREFIXES:
            # A warship by its name: "HMS Ocean", "BRP Jose Rizal".
            j = i + 1
            while j < len(tokens) and j - i <= 3 and tokens[j].text[:1].isupper() and tokens[j].is_word:
                j += 1
            return j - i if j > i + 1 else 0
        j, shaped = i, False
        while j < len(tokens) and j - i < 6:
            token = tokens[j]
            plain = re.sub(r"(?<=\d)s$", "", token.text.rstrip("."))
            if _designation_shaped(plain):
                if plain[0].isdigit() and j == i:
                    return 0  # "2A7" needs its name before it
                shaped, j = True, j + 1
                continue
            number = ROMAN.match(plain) or (plain.isdigit() and len(plain) <= 3) or (j > i and _model_number(plain))
            if j > i and _is_year(plain) and j + 1 < len(tokens) and tokens[j - 1].text[:1].isupper():
                following = tokens[j + 1].lower
                number = following in MODIFIERS or bool(self.kit_at(tokens, j + 1))  # "PzH 2000 howitzers"
            if j > i and number and (not _is_year(plain) or tokens[j - 1].lower not in COMMON_CAPITALS):
                shaped, j = True, j + 1
                continue
            if (
                j > i
                and token.lower in ("block", "batch", "mk", "flight", "increment")
                and j + 1 < len(tokens)
                and (tokens[j + 1].text.isdigit() or ROMAN.match(tokens[j + 1].text))
            ):
                shaped, j = True, j + 2
                continue
            if _name_word(token) and not self.actor_at(tokens, j) and (shaped or self._unknown_model(tokens, j)):
                # After a designation even a known name belongs to it: "M1A2 SEPv3 Abrams" is one weapon.
                j += 1
                continue
            if (
                j > i
                and len(token.text) == 1
                and token.text.isupper()
                and j + 1 < len(tokens)
                and tokens[j + 1].lower[:1].islower()
            ):
                shaped, j = True, j + 1  # "Rafale M carrier-based fighters"
                continue
            break
        if shaped:
            return j - i
        if j == i or j - i > 3:
            return 0
        k = j
        while (
            k < len(tokens)
            and tokens[k].is_word
            and (tokens[k].lower in MODIFIERS or _compound_modifier(tokens[k].text))
            and not self.kit_at(tokens, k)
        ):
            k += 1
        after = self.kit_at(tokens, k) if k < len(tokens) else None
        if after and after[1] not in VAGUE_KIT:
            return j - i
        # A name before the word for a deal is the weapon dealt in: "a BrahMos purchase", "the Rafale deal".
        if (
            j - i == 1
            and k == j < len(tokens)
            and tokens[j].lower in DEAL_NOUNS
            and i > 0
            and tokens[i - 1].lower in ("a", "an", "the", "its", "their")
        ):
            return 1
        # A counted name is a weapon too: "ordered 24 Rafales", "twelve Gripens".
        counted = i > 0 and _number(tokens, i - 1, 0) is not None and tokens[i - 1].lower not in VAGUE_NUMBERS
        return j - i if counted and j - i == 1 else 0

    def _unknown_model(self, tokens, j) -> bool:
        """Whether no registry name starts at token j, or one does with a model number of its own after it."""
        known = self.system_at(tokens, j)
        return not known or (j + known[0] < len(tokens) and _model_number(tokens[j + known[0]].text))

    def mentions(self, tokens: list[Token]) -> tuple[list[tuple[int, int, Party]], list[tuple[int, int, Kit]]]:
        """Actor and kit mentions of a sentence, as (first token, past-last token, mention), left to right."""
        parties: list[tuple[int, int, Party]] = []
        kits: list[tuple[int, int, Kit]] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            found_system = self.system_at(tokens, i)
            found_actor = self.actor_at(tokens, i)
            if found_system and i + found_system[0] < len(tokens) and _model_number(tokens[i + found_system[0]].text):
                found_system = None  # "Gepard 3.9", "SIGMA 9813": a model of the name the registry lacks, read below
            if (
                found_system
                and (not found_actor or found_system[0] >= found_actor[0])
                and not (found_actor and any(e.alias_kind == AliasKind.DEMONYM for e in found_actor[1]))
            ):
                width, entries = found_system
                kit = self._known_kit(tokens, i, width, entries)
                # Two names of one weapon side by side ("M1A2 SEPv3 Abrams", "K2 Black Panther"): the first, the
                # more exact, stands for both.
                width += self._second_name(tokens, i + width)
                width = self._absorb_kit_noun(tokens, i + width, kit) - i
                kits.append((i, i + width, kit))
                i += width
                continue
            if found_actor:
                width, entries = found_actor
                party = self._party(tokens, i, width, entries)
                if party is not None:
                    parties.append((i, i + width, party))
                # A name the registry knows is never read as a weapon's name, party or not ("Mikoyan").
                i += width
                continue
            local = self.named.get(system_key([token.text])) or self.named.get(
                system_key([token.text.removesuffix("s")])
            )
            if local is not None and token.text[:1].isupper():
                kit = replace(
                    _copy_kit(local), text=token.text, start=token.start, end=token.end, candidates=[], origin=None
                )
                end = self._absorb_kit_noun(tokens, i + 1, kit)
                kits.append((i, end, kit))
                i = end
                continue
            width = self.designation_at(tokens, i)
            if width:
                kit = self._new_kit(tokens, i, width)
                width += self._second_name(tokens, i + width)
                end = self._absorb_kit_noun(tokens, i + width, kit)
                kits.append((i, end, kit))
                i = end
                continue
            definite = i
            while definite > 0 and tokens[definite - 1].lower in MODIFIERS:
                definite -= 1  # "the stealth jet"
            if definite > 0 and tokens[definite - 1].lower in ("the", "this", "that") and tokens[i].lower in ANAPHORA:
                # "Kuwait ordered the drone", "Latvia wants the system": the kit already named, if any.
                following = tokens[i + 1].lower if i + 1 < len(tokens) else ""
                category = ANAPHORA[tokens[i].lower]
                here = [
                    k
                    for _, _, k in kits
                    if (k.system and not k.generic or k.designation)
                    and (category is None or k.category in (category, "other"))
                ]
                last = here[-1] if here else (self.last_named.get(category) if category else self.topic_kit())
                if last is not None and following not in NOT_ANAPHORA and not self.kit_at(tokens, i + 1):
                    kits.append((i, i + 1, replace(_copy_kit(last), text=tokens[i].text, origin=None)))
                    i += 1
                    continue
            found_kit = self.kit_at(tokens, i)
            if found_kit:
                width, phrase = found_kit
                while i + width < len(tokens) and (more := self.kit_at(tokens, i + width)):
                    width, phrase = width + more[0], more[1]  # "weapons equipment"
                start = i
                # "armed drones", "anti-aircraft missiles": a modifier or two before the noun belongs to it.
                while start > 0 and tokens[start - 1].is_word and tokens[start - 1].lower in MODIFIERS:
                    start -= 1
                kit = Kit(
                    None,
                    _span_text(tokens, start, i + width),
                    tokens[start].start,
                    tokens[i + width - 1].end,
                    generic=phrase,
                    category=KIT[phrase],
                    description=phrase,
                )
                # A system this sentence has already named comes before one an earlier sentence named.
                here = [
                    k for _, _, k in kits if (k.system and not k.generic or k.designation) and k.category == KIT[phrase]
                ]
                last = here[-1] if here else self.last_named.get(KIT[phrase])
                # "two offshore patrol ships" after "Scorpène submarines": a word of its own makes it new kit.
                described = (
                    start > 0
                    and tokens[start - 1].is_word
                    and tokens[start - 1].text.islower()
                    and tokens[start - 1].lower not in DETERMINERS | MODIFIERS | VAGUE_NUMBERS
                    and _number(tokens, start - 1, 0) is None
                )
                if (
                    last is not None
                    and phrase not in VAGUE_KIT
                    and not described
                    and not _has_origin_word(tokens, start, self)
                ):
                    # "bought 24 aircraft", "the jets" after "Rafale fighter jets": the kit already named, not
                    # new unnamed kit.
                    kit = _copy_kit(last)
                kits.append((start, i + width, kit))
                i += width
                continue
            i += 1
        return parties, kits

    def _second_name(self, tokens, i) -> int:
        """Tokens of a weapon's second name right after its first ("M1A2 SEPv3 Abrams", "K2 Black Panther", "AH-1Z
        Viper attack helicopters"): the first, the more exact, stands for both."""
        width = 0
        while i + width < len(tokens) and tokens[i + width].text[:1].isupper():
            also = self.system_at(tokens, i + width)
            if (
                tokens[i + width].lower in VARIANT_WORDS
                and i + width + 1 < len(tokens)
                and (tokens[i + width + 1].text.isdigit() or ROMAN.match(tokens[i + width + 1].text))
            ):
                width += 2  # "JF-17C Block III"
            elif also:
                width += also[0]
            elif tokens[i + width].text.replace("-", "").isalnum() and not self.actor_at(tokens, i + width):
                named = self.designation_at(tokens, i + width)
                if not named:
                    break
                width += named
            else:
                break
        return width

    def _party(self, tokens, i, width, entries) -> Party | None:
        parties = {e.party for e in entries if e.party is not None}
        text = _span_text(tokens, i, i + width)
        start, end = tokens[i].start, tokens[i + width - 1].end
        if not parties:
            return None
        demonym = all(e.alias_kind == AliasKind.DEMONYM for e in entries)
        following = re.sub(r"['’]s$", "", tokens[i + width].lower) if i + width < len(tokens) else ""
        # "Russian-made", "Chinese drones": where the kit comes from; "the Egyptian navy('s)": the state itself.
        weak = demonym and following not in STATE_NOUNS and not text.endswith("s")
        if (
            weak
            and text.lower().startswith("the ")
            and not self.kit_at(tokens, i + width)
            and not (i + width < len(tokens) and tokens[i + width].text[:1].isupper())
            and not (following.isalpha() and following not in NATION_FOLLOWERS | MAKER_NOUNS)
        ):
            # "bought from the Dutch": the nation, not where some kit comes from ("the British helicopter carrier")
            weak = False
        if ORIGIN_SUFFIX.search(text):
            weak = True
        candidates = [(p, 1.0 / len(parties)) for p in sorted(parties)]
        actor = entries[0].actor
        if len(parties) > 1:
            return Party(None, text, start, end, actor=None, weak=weak, candidates=candidates)
        return Party(next(iter(parties)), text, start, end, actor=actor, weak=weak, candidates=candidates)

    def _known_kit(self, tokens, i, width, entries) -> Kit:
        entry = entries[0]
        info = self.vocabulary.system_info[entry.system]
        category = next((slug for slug, pk in self.vocabulary.categories.items() if pk == info["category_id"]), "other")
        kit = Kit(
            entry.system,
            _span_text(tokens, i, i + width),
            tokens[i].start,
            tokens[i + width - 1].end,
            category=category,
            generic=(info["name"] if entry.generic else ""),
            candidates=[(e.system, 1.0 / len(entries)) for e in entries],
        )
        return kit

    def _new_kit(self, tokens, i, width) -> Kit:
        text = _span_text(tokens, i, i + width)
        designation = re.sub(r"(?<=\d)s$", "", text.rstrip(".")) if text[-1:] == "s" and text[-2:-1].isdigit() else text
        singular = (i > 0 and tokens[i - 1].lower in ("a", "an")) or (
            i + width < len(tokens) and tokens[i + width].lower in DEAL_NOUNS
        )
        if (
            width == 1
            and designation.endswith("s")
            and not designation[-2:-1].isdigit()
            and len(designation) > 4
            and not singular  # "a BrahMos purchase" is one name, not a plural
            and not designation.endswith("ss")
            and (
                re.search(rf"\b{re.escape(designation[:-1])}\b", self.text)  # "Rafales" where "Rafale" is written
                or (
                    counted_plural(tokens, i) and not self.kit_at(tokens, i + width)
                )  # "24 Rafales", not "31 Abrams tanks"
                or re.search(r"[\d/][A-Z]s$", designation)  # "F-35Bs", "F-16C/Ds": a variant letter in the plural
            )
        ):
            designation = designation[:-1]  # "Rafales"
        elif (
            width > 1
            and re.search(r"[a-z]s$", designation)
            and not designation.endswith("ss")
            and _designation_shaped(tokens[i + width - 2].text)
            and not self.vocabulary.systems.get(system_key([tokens[i + width - 1].text]))  # "C-130J Hercules"
            and (counted_plural(tokens, i) or re.search(rf"\b{re.escape(designation[:-1])}\b", self.text))
        ):
            designation = designation[:-1]  # "17 V-22 Ospreys"
        key = system_key([designation])
        related = self.related_designations(key)
        kit = Kit(None, text, tokens[i].start, tokens[i + width - 1].end, designation=designation, candidates=related)
        if tokens[i].text in SHIP_PREFIXES:
            kit.category = "ships"
        self.named[key] = kit
        return kit

    def related_designations(self, key: str) -> list[tuple[int, float]]:
        """Registry designations a new one is likely a variant of ("K9A1" of "K9") or a spelling of."""
        found = []
        for length in range(2, len(key)):  # its prefixes, not every designation of the registry
            system = self.vocabulary.designations.get(key[:length])
            if system is not None and not key[length].isdigit():
                found.append((system, round(length / len(key), 2)))
        if not found:
            for other in difflib.get_close_matches(key, self.vocabulary.designations, n=3, cutoff=0.8):
                found.append(
                    (self.vocabulary.designations[other], round(difflib.SequenceMatcher(None, key, other).ratio(), 2))
                )
        return sorted(found, key=lambda pair: -pair[1])[:5]

    def _absorb_kit_noun(self, tokens, end: int, kit: Kit) -> int:
        """Take the kind of weapon written after a designation ("CH-92 armed drones") as its description."""
        j, found = end, None
        while j < len(tokens) and tokens[j].is_word:
            found = self.kit_at(tokens, j)
            if found or (tokens[j].lower not in MODIFIERS and not _compound_modifier(tokens[j].text)):
                break
            j += 1
        if found:
            width, phrase = found
            if not kit.description:
                kit.description = _span_text(tokens, end, j + width)
            if kit.system is None and kit.category == "other":
                kit.category = KIT[phrase]
            return j + width
        return end

    # -- a sentence --

    def read(self, text: str, start: int, end: int) -> list[Finding]:
        sentence = text[start:end]
        self.sentence_start = start
        tokens = [Token(m.group(), start + m.start(), start + m.end()) for m in TOKEN.finditer(sentence)]
        if not tokens:
            return []
        parties, kits = self.mentions(tokens)
        # "Myanmar's fleet also includes two frigates that China handed over": whose forces the kit joined.
        self.holder = next(
            (
                p
                for a, b, p in parties
                if a <= 1
                and (a == 0 or tokens[0].lower == "the")
                and not p.weak
                and p.text.endswith(("'s", "’s"))
                and re.match(
                    r"(?:\w+ )?(?:fleet|navy|army|air force|arsenal|inventory)\b", text[p.end :].lstrip().lower()
                )
            ),
            None,
        )
        findings = []
        previous_subject: list[Party] = []
        ranges = self.clauses(text, tokens, parties, kits)
        cataphor = []
        if len(ranges) > 1 and tokens[0].lower in FRONTED:
            # "After giving all 19 of its Caesars to Kyiv, Denmark ordered ...": the subject comes after.
            lo2, hi2 = ranges[1]
            cataphor = [p for a, b, p in parties if lo2 <= a < hi2 and not p.weak][:1]
        ends = {b: p for a, b, p in parties if not p.weak and not (p.actor is not None and self._is_company(p.actor))}
        for lo, hi in ranges:
            if lo >= 2 and tokens[lo].lower in ("which", "who") and tokens[lo - 1].text == "," and lo - 1 in ends:
                # "Slovakia, which gave its only S-300 battery to Ukraine in 2022, bought six Barak MX": the
                # relative clause, and the main clause after it, are the state's.
                previous_subject = [ends[lo - 1]]
            if findings and self._later_step(text, tokens, lo, hi, parties, kits, findings):
                continue
            found, subjects = self.read_clause(
                text, tokens, lo, hi, parties, kits, (start, end), previous_subject or (cataphor if lo == 0 else [])
            )
            findings.extend(found)
            named = [f.kit for f in found if f.kit.generic not in VAGUE_KIT]
            if named:
                self.last_kit = named[-1]  # "..., and Canada is in the final stage of negotiations for 88"
            previous_subject = subjects or previous_subject
        years = [int(t.text) for t in tokens if _is_year(t.text)]
        self.last_year = years[-1] if years else self.last_year
        # What this sentence names is what "they" and "the deal" refer to next.
        named_parties = [p for a, b, p in parties if not p.weak and p.party is not None]
        companies = [p for p in named_parties if p.actor is not None and self._is_company(p.actor)]
        if companies:
            self.last_company = companies[-1]
        if previous_subject:
            self.last_subject, self.last_subjects = previous_subject[0], list(previous_subject)
            self.subject_buys = False
        elif named_parties:
            self.last_subject, self.last_subjects = named_parties[0], [named_parties[0]]
            self.subject_buys = bool(re.search(r"\b(?:customer|buyer|importer|client)s?\b", sentence.lower()))
        # Only kit that a deal was found for: not the coast guard vessels of a clash named in passing.
        specific = [f.kit for f in findings if f.kit.generic not in VAGUE_KIT]
        if specific:
            self.last_kit = specific[-1]
        # "The C295 transport has found buyers from Ottawa to Dublin. Canada ordered sixteen": the one weapon a
        # sentence with no deal named is what a bare number in the next refers to.
        named = {_kit_key(k): k for _, _, k in kits if k.system and not k.generic or k.designation}
        self.aside_kit = next(iter(named.values())) if not findings and len(named) == 1 else None
        for _, _, kit in kits:
            if (kit.system and not kit.generic or kit.designation) and kit.category != "other":
                self.last_named[kit.category] = kit  # only kit whose kind is known: "the jets" after "F-16 jets"
            if kit.system and not kit.generic or kit.designation:
                count = self.times_named.get(_kit_key(kit), (0, kit))[0]
                self.times_named[_kit_key(kit)] = (count + 1, kit)
        return findings

    def topic_kit(self) -> Kit | None:
        """The weapon the report names most ("the system" with no kind said and none named in its sentence)."""
        ranked = sorted(self.times_named.values(), key=lambda pair: -pair[0])
        return ranked[0][1] if ranked else None

    def clauses(self, text: str, tokens: list[Token], parties=(), kits=()) -> list[tuple[int, int]]:
        """Token ranges of the sentence's clauses: split at ";", "while", "whereas", "but" and "and" only where both
        sides hold a transfer verb, so "Serbia and Armenia would be willing" stays one clause, and never inside a
        list of states ("supplied by Germany and the Netherlands, arrived"). A subordinate clause set off by a comma
        ("..., a day after Poland said it would hand over", "..., under which Croatia is to send") is a clause of
        its own where it names its own subject before its own transfer verb; so is one put first ("After giving its
        Caesars to Kyiv, Denmark ordered ATMOS howitzers") and a purchase told of a weapon named in passing ("to
        replace the Leopard 2A4s it bought second-hand from the Netherlands in 2001")."""
        kit_ends = {b for a, b, k in kits}
        ends = {b for a, b, p in parties}
        # A state that opens the sentence or a clause, before a relative clause ("Slovakia, which ...").
        subject_ends = {
            b
            for a, b, p in parties
            if not p.weak
            and not (p.actor is not None and self._is_company(p.actor))
            and (a == 0 or tokens[a - 1].text in (",", ";") or tokens[a - 1].lower in ("and", "but"))
        }
        starts = {a for a, b, p in parties} | {a + 1 for a, b, p in parties if tokens[a].lower == "the"}
        cuts = [0]
        for i, token in enumerate(tokens):
            if i <= cuts[-1] or not (token.text in (";", ",", ":") or token.lower in CLAUSE_WORDS or i in kit_ends):
                continue  # only these can open a clause: no text to slice for the rest
            left = text[tokens[cuts[-1]].start : token.start].lower()
            right = text[token.end : tokens[-1].end].lower()
            if token.text == ";":
                cuts.append(i)  # a semicolon joins clauses that stand alone
            elif token.text == ":":
                if i + 1 in starts and _cue(left) and _cue(right):
                    cuts.append(i + 1)  # "has sold across the region: Finland bought it in 2009"
            elif token.text == "," and tokens[0].lower in FRONTED and len(cuts) == 1:
                cue = _cue(right)
                if (
                    cue is not None
                    and _cue(left)
                    and any(i < a and tokens[a].start < token.end + cue[2] for a in starts)
                ):
                    cuts.append(i + 1)
            elif token.lower in ("which", "who") and tokens[i - 1].text == "," and i - 1 in subject_ends:
                # "Slovakia, which gave its S-300 to Ukraine in 2022, bought six Barak MX": a relative clause with a
                # transfer of its own between the subject and its verb.
                close = next((j for j in range(i + 1, len(tokens)) if tokens[j].text == ","), None)
                if close is not None and close + 1 < len(tokens):
                    inner = text[token.start : tokens[close].start].lower()
                    after = text[tokens[close].end : tokens[-1].end].lower()
                    if _cue(inner) and _cue(after):
                        cuts.extend([i, close + 1])
            elif i in kit_ends and i + 1 < len(tokens) and RELATIVE_PURCHASE.match(text, token.start):
                if _cue(left):
                    cuts.append(i)  # only where the clause before has a verb of its own
            elif (
                token.lower in ("after", "before", "despite")
                and tokens[i - 1].text == ","
                and _cue(right) is not None
                and _cue(left) is not None
            ):
                cuts.append(i)  # "..., after scrapping an earlier tender": another step, with no kit of this one
            elif token.lower in COORDINATORS:
                if token.lower == "and" and i in ends and (i + 1 in starts or i + 2 in starts):
                    continue  # "Germany and the Netherlands": one list of parties
                after = next((b for a, b, p in parties if a in (i + 1, i + 2)), None)
                if token.lower == "and" and after is not None and _gapped(tokens, after, len(tokens)):
                    continue  # "pledged 19 of the jets and the Dutch government 24": the same verb, gapped
                cue = _cue(right)
                if cue is not None and _cue(left):
                    cuts.append(i)
                elif cue is not None and tokens[i - 1].text == "," and token.lower == "and":
                    # "Emirati forces intercepted several with THAAD interceptors, and the United States has since
                    # sent F-22s": kit before the comma is no object of the verb after it, which has its own subject.
                    cue_at = token.end + cue[2]
                    if any(i < a and tokens[a].start < cue_at for a in starts):
                        cuts.append(i)
            elif token.lower in SUBORDINATORS and any(t.text == "," for t in tokens[max(cuts[-1], i - 5) : i]):
                cue = _cue(right)
                if cue is None or not _cue(left):
                    continue
                cue_at = token.end + cue[2]
                # The subordinator stays with the clause before, so that it is no preposition before the subject.
                cut = i - 1 if token.lower == "which" and tokens[i - 1].lower in ("under", "by", "in") else i + 1
                if any(i < a and tokens[a].start < cue_at for a in starts):
                    cuts.append(cut)
        cuts.append(len(tokens))
        return [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1)]

    def read_clause(self, text, tokens, lo, hi, parties, kits, sentence, previous_subject):
        clause_start, clause_end = tokens[lo].start, tokens[hi - 1].end
        clause = text[clause_start:clause_end]
        lowered = clause.lower()
        cue = _cue(lowered)
        if cue is None:
            return [], []
        stage, direction, cue_start, cue_end, stage_start, _, role_stage = cue
        cue_at = clause_start + cue_start
        cue_text = clause[cue_start:cue_end]
        # A negation or refusal just before the verb, or anywhere for a refusal word, drops the clause.
        before = re.sub(r"\bnot (?:for )?the first time\b", "", lowered[max(0, cue_start - 40) : cue_start])
        if NEGATION.search(before) or (stage != "cancelled" and NEGATION.search(lowered[cue_start:cue_end])):
            return [], []
        if re.match(r" no\b(?! (?:later|less|fewer|more)\b)", lowered[cue_end:]):
            return [], []  # "India itself buys no Chinese weapons"
        if re.search(r"\b(?:anyone|anybody|nobody|no one)\b", before):
            return [], []  # "it is unclear whether anyone has bought them"
        if re.search(
            r"\b(?:possibly|perhaps|potentially) including\b|\b(?:could|might|may) (?:well )?include\b", lowered
        ):
            return [], []  # "a plan expected to set out further purchases, possibly including new helicopters"
        if re.search(r"\bwithout (?:buying|ordering|signing|placing|a (?:deal|contract|purchase)|an order)\b", lowered):
            return [], []  # "looked at the fighter over the years without buying it": came to nothing
        if cue_text.lower().endswith(" to") and not any(
            tokens[a].start >= cue_at + len(cue_text) and tokens[a].start <= cue_at + len(cue_text) + 5
            for a, b, p in parties
        ):
            return [], []  # "prefer giving it to the runner-up": the one it goes to is no state
        refusal = REFUSAL.search(lowered)
        if refusal and stage == "cancelled" and cue_start <= refusal.start() < cue_end:
            refusal = None  # "voters rejected a plan to buy": the cancellation itself
        if refusal and (refusal.start() < cue_start or not SUBORDINATE.search(lowered[cue_end : refusal.start()])):
            # "refused to sell", "the sale was blocked", but not "..., and Belgrade has refused to join sanctions"
            # or "negotiating to buy F-16s after years in which objections blocked the sale": another clause's.
            return [], []
        future_before = lowered[max(0, stage_start - 40) : stage_start]
        if stage in ("delivered", "delivery_in_progress") and FUTURE.search(future_before):
            # "will be delivered next year": no delivery yet; the main verb's step if it has one ("ordered ...
            # that will be delivered"), else what the future form says.
            intent = re.search(r"\b(?:hopes?|plans?|wants?|seeks?|aims?|would|could|may|might)\b", future_before)
            said = "interest" if intent and direction != SELL else ("offer" if intent else "agreement")
            stage = role_stage if role_stage not in ("delivered", "delivery_in_progress") else said
            if CUE_RANK.index(said) > CUE_RANK.index(stage):
                stage = said
        # A contrast or concession with no transfer verb of its own ("..., but their use has been limited by
        # shortages of ammunition") is no part of the transfer: mentions past it are left out.
        inner_lo, inner_hi = lo, hi
        for k in range(lo, hi):
            after_comma = k > lo and tokens[k - 1].text in (",", ";")
            if tokens[k].lower in CONTRAST and after_comma:
                if tokens[k].start < cue_at:
                    inner_lo = k
                else:
                    inner_hi = min(inner_hi, k)
            elif tokens[k].lower in CONSEQUENCE and after_comma and tokens[k].start > cue_at:
                # "..., which would make it the first foreign customer for Russia's newest jet", "..., turning the
                # list into business for South Korean industry": what follows the transfer, not part of it; unless
                # the transfer resumes after it ("interceptors, which it makes under licence, to the United States").
                close = next((c for c in range(k, hi - 1) if tokens[c].text == ","), None)
                if close is None or tokens[close + 1].lower not in ("to", "for", "from"):
                    inner_hi = min(inner_hi, k)
        buyer_follows_from = bool(re.search(r"(?:order|contract|deal)s? from$", lowered[cue_start:cue_end]))
        clause_parties = [(a, b, p) for a, b, p in parties if inner_lo <= a < inner_hi]
        clause_kits = [(a, b, k) for a, b, k in kits if inner_lo <= a < inner_hi]
        cue_token = next((k for k in range(lo, hi) if tokens[k].end > cue_at), hi - 1)

        suppliers, recipients, subjects, destinations, gapped, turned, partners, met = ([] for _ in range(8))
        if direction == BUY and self._maker_subject(tokens, lo, cue_token, clause_parties, clause_kits):
            # "Rheinmetall signed a contract to supply Indonesia", "Turkey's shipbuilding consortium TAIS signed a
            # contract with Indonesia's defence ministry": a maker that signs is the seller.
            direction = SELL
        asides = _asides(tokens, lo, cue_token)
        for a, b, party in clause_parties:
            if any(x < a < y for x, y in asides):
                continue  # "Israel, with which Morocco normalised relations, is reported to be discussing the sale"
            if (
                b + 1 < cue_token
                and tokens[b].text == ","
                and tokens[b + 1].lower in ("which", "who")
                and not any(t.text == "," for t in tokens[b + 2 : cue_token])
            ):
                subjects.append((a, b, party))  # "strikes in Ethiopia, which bought TB2s in 2021": its own verb
                continue
            first = _coordination_head(tokens, lo, a, clause_parties)
            before_word = tokens[first - 1].lower if first > lo else ""
            if first - 2 >= lo and tokens[first - 2].lower == "according" and before_word == "to":
                continue  # the source of a report, not a party to the deal
            if before_word == "with" and first - 2 >= lo and tokens[first - 2].lower in CONFLICT:
                continue  # "the disputed border with China": a neighbour, not a seller
            if re.match(
                r"(?:\s+\w+){0,4}?\s+(?:helping|paying|to help|to pay|financing|funding|footing|covering)\b",
                text[party.end : party.end + 60],
            ):
                continue  # "with Saudi Arabia widely reported to be helping with the bill": who pays, not who sells
            if b < hi and tokens[b].lower in ATTRIBUTES:
                continue  # "expose it to US sanctions", "the US embargo": whose measure, not a party
            if before_word == "to" and first - 2 >= lo and tokens[first - 2].lower in FORMER:
                continue
            if (
                before_word == ","
                and first - 3 >= lo
                and tokens[first - 2].text[:1].isupper()
                and tokens[first - 2].lower not in MONTHS
                and tokens[first - 3].lower in ("in", "at", "near", "outside")
                and (b >= len(tokens) or not tokens[b].is_word)
            ):
                continue  # "at Lockheed Martin's plant in Marietta, Georgia": a place, not a party
            if (
                before_word in ("in", "at")
                and first - 2 >= lo
                and tokens[first - 2].lower in ("arrived", "arriving", "arrive", "landed", "delivered")
            ):
                destinations.append(party)  # "arrived in Chile": the recipient, if no other is named
                continue
            if before_word == "to" and first - 2 >= lo and tokens[first - 2].lower in TRAVEL:
                destinations.append(party)  # "a visit to Belgrade", "took him to Qatar": a recipient only if no other
                continue
            if (
                b + 1 < hi
                and tokens[b].lower == "as"
                and re.match(
                    r"(?:prime |main |lead |local |industrial )?(?:contractor|partner|integrator|subcontractor)",
                    text[tokens[b + 1].start : tokens[b + 1].start + 30].lower(),
                )
            ):
                continue  # "with Airbus as prime contractor": who builds for the seller, not a party
            if before_word == "of" and first - 2 >= lo and tokens[first - 2].lower in ("design", "designs"):
                # "frigates based on the MEKO A-100 design of Germany's Thyssenkrupp": whose design it is, the seller
                # of a licensed build.
                for _, kb, k in clause_kits:
                    if kb <= first and k.origin is None:
                        k.origin = party
                continue
            if before_word == "from" and first - 2 >= lo and tokens[first - 2].lower in NOT_FROM_SELLER:
                continue  # "alternatives from France", "warnings of sanctions from Washington": no seller
            if before_word == "by" and first - 2 >= lo and tokens[first - 2].lower in MADE:
                # "designed by Brazil's Embraer": who made it, not who sold it; where the kit before it has no
                # origin written, the maker is where it comes from ("the Arrow 3, built by IAI").
                made = [k for ka, kb, k in clause_kits if kb <= first and k.origin is None]
                builder = tokens[first - 2].lower in ("built", "made", "produced", "manufactured")
                if made and builder and party.actor is not None and self._is_company(party.actor):
                    made[-1].origin = party
                continue
            if first - 2 >= lo and " ".join(t.lower for t in tokens[first - 2 : first]) in IN_SERVICE:
                continue  # "in service with Turkey, Poland and India": users, not parties
            adjacent_kit = any(
                ka == b or (ka == b + 1 and tokens[b].lower in ("'s",)) for ka, kb, k in clause_kits
            ) or any(
                b <= ka <= b + 2 and not any(t.lower in ("and", "or", ",") for t in tokens[b:ka])
                for ka, kb, k in clause_kits
            )
            if party.weak and a < cue_token and b < hi and tokens[b].lower in CARRIERS | {"transport", "military"}:
                subjects.append((a, b, party))  # "Russian cargo aircraft delivered Su-25s": the carriers' state sends
                continue
            if party.weak or (adjacent_kit and party.actor is not None and self._is_company(party.actor)):
                continue  # where the kit comes from or who made it, not a party in its role
            if before_word in ("to", "for") and b < hi and tokens[b].lower in ("arms", "weapons", "weaponry"):
                continue  # "no stranger to Israeli weapons": whose weapons, not who receives them
            if party.text.endswith(("'s", "’s")) and any(
                ka == b and any(o.party == party.party for o in self._origin_of(k)) for ka, kb, k in clause_kits
            ):
                continue  # "a contract for South Korea's Cheongung II": the maker of its own system, not a buyer
            if (
                direction == BUY
                and a > cue_token
                and party.text.endswith(("'s", "’s"))
                and before_word in ("of", "at", "bought", "acquired", "purchased", "ordered", "took", "received")
                and any(ka == b or (ka == b + 1 and tokens[b].text.islower()) for ka, _, _ in clause_kits)
            ):
                suppliers.append(party)  # "Romania bought twelve of Portugal's F-16s": whose they were, the seller
                continue
            if (
                party.text.endswith(("'s", "’s"))
                and b < hi
                and tokens[b].lower in STATE_NOUNS | {"country"}
                and (a < cue_token or tokens[b].lower == "country")
            ):
                subjects.append((a, b, party))  # "Aleksandar Vučić's country", "Egypt's navy"
            elif (
                before_word == "for" and party.text.endswith(("'s", "’s")) and any(ka == b for ka, _, _ in clause_kits)
            ):
                suppliers.append(party)  # "a contract for Russia's S-400": whose weapon it is
            elif before_word == "from" and buyer_follows_from and a >= cue_token:
                recipients.append(party)  # "Saab won a contract from Thailand"
            elif before_word == "to" and first - 2 >= lo and tokens[first - 2].lower in ("turned", "turning", "turns"):
                turned.append(party)  # "has turned to Moscow, signing for": a seller where the kit says nothing
            elif before_word == "from" or (before_word == "by" and direction == SELL) or before_word == "asked":
                suppliers.append(party)  # "from Moscow", "supplied by the United States", "asked Washington for"
            elif (
                before_word in ("to", "for")
                or (before_word == "by" and direction == BUY)
                or (before_word == "with" and direction == SELL and a > cue_token)
            ):
                recipients.append(party)
            elif before_word == "with" and direction == SELL:
                # "ties with Hanoi had been limited to gifts of corvettes handed over in 2017": the one given to,
                # unless the verb names another ("In a swap arranged with Berlin, it sent BVP-1s to Ukraine").
                met.append(party)
            elif before_word == "with" and direction in (BUY, NEUTRAL) and a > cue_token:
                suppliers.append(party)
                partners.append(party)
            elif before_word == "paid" and direction == BUY:
                suppliers.append(party)  # "Bangladesh paid China $205 million for"
            elif a > cue_token and before_word == "and" and _gapped(tokens, b, hi):
                # "Finland signed for 64 F-35As and Switzerland for 36", "Copenhagen has pledged 19 of the jets and
                # the Dutch government 24": the same verb again, for another buyer or another seller.
                gapped.append(party)
            elif a < cue_token:
                if before_word not in NOT_A_SUBJECT - SUBORDINATING:
                    subjects.append((a, b, party))  # "until Kuwait has ... taking delivery of"
            elif (
                direction == SELL
                and a > cue_token
                and before_word not in NOT_A_SUBJECT
                and not recipients
                and re.fullmatch(
                    r"(?:\s+(?!(?:from|by|of|at|into|out)\b)[\w-]+){0,8}\s*",
                    text[cue_at + len(cue_text) : tokens[first].start],
                )
            ):
                recipients.append(party)  # "will supply Ukraine with", "offered the Philippines"
        subjects = _nearest_group(tokens, subjects)
        named_subjects = list(subjects)
        if direction == SELL:
            recipients = recipients or met
        participle = bool(re.match(r"\w+(?:ed|en|wn|nt|ld|ght)\b", lowered[cue_start:cue_end]))
        reduced = False
        passive = bool(re.match(r"\s+by\b", lowered[cue_end:]) or (participle and PASSIVE.search(lowered[:cue_start])))
        if participle and direction == BUY and any(b == cue_token for _, b, _ in clause_kits):
            # "BRP Miguel Malvar left HD Hyundai's yard and is the first of two corvettes ordered from the South
            # Korean shipbuilder": the verb describes the kit before it, and a company the clause names first is
            # no buyer (a state is: "Chile flies fourteen fighters leased from Sweden"); where none is said to sell,
            # the company builds what was ordered from it ("DCNS is also building four Gowinds ordered in 2014").
            makers = [p for p in subjects if p.actor is not None and self._is_company(p.actor)]
            subjects = [p for p in subjects if p not in makers]
            if makers and not subjects:
                reduced = True
                suppliers = suppliers or makers[:1]
        pronoun = ""
        if not subjects:
            head = lowered[: max(cue_start, lowered.find(" ", cue_start + 12))]
            for word in sorted(PRONOUNS, key=len, reverse=True):
                # "the state", but not "the State Department": a pronoun is not the start of a name.
                said = re.search(rf"\b{re.escape(word)}\b", head)
                # "Defence Minister Hossein Dehghan": a minister's name follows the title.
                named = word.endswith("minister")
                if (said and (named or not clause[said.end() : said.end() + 2][1:].isupper())) or re.search(
                    r"\b\w+['’]s (?:\w+ )?(?:country|government)\b", head
                ):
                    pronoun = word
                    break
            if passive and pronoun in ("it", "they"):
                pass  # "they were delivered in the autumn": the kit, not a party
            elif (
                not pronoun
                and previous_subject
                and (
                    re.fullmatch(
                        r"(?:(?:and|but|or)(?: (?:also|then|later|since|now))?)?", lowered[:cue_start].strip(" ,")
                    )
                    or tokens[lo].lower in FRONTED | {"which", "who"}
                )
            ):
                subjects = list(previous_subject)
            elif pronoun in ("it", "they") and previous_subject:
                subjects = list(previous_subject[:1])  # "Berlin is negotiating ..., and it plans to buy"
            elif (
                pronoun in STATE_PRONOUNS
                and self.last_recipient is not None
                and (direction == BUY or passive or re.search(r"\bits\b", lowered[cue_end : cue_end + 40]))
            ):
                # "The government signed for 42 Rafales" in a report on Indonesia; "the country's council decided to
                # send one of its Patriot systems" in a report on Romania.
                subjects = [self.last_recipient]
            elif pronoun and self.last_subject is not None:
                subjects = [self.last_subject]
                about = self.last_recipient
                if (
                    direction == BUY
                    and about is not None
                    and self.last_subject.party not in self.recipient_counts
                    and not self.subject_buys
                    and self.recipient_counts.get(about.party, 0) >= 2
                ):
                    # "It ordered 28 VT4 tanks": a buyer, where the last subject never was one (unless it was just
                    # called one: "India remains the largest export customer. It ordered 66 Hawks").
                    subjects = [about]
                # "Israel and Morocco signed a memorandum ... It took delivery": of two subjects, a receiving "it"
                # is the one the report is about.
                about = self.last_recipient
                if direction == BUY and about is not None and len(self.last_subjects) > 1:
                    subjects = [p for p in self.last_subjects if p.party == about.party][:1] or subjects
        if passive:
            # "HIMARS supplied by the United States", "India's S-400s are being delivered": the subject receives.
            if direction == SELL:
                recipients = recipients or subjects
            subjects = []
        # "Germany's Thyssenkrupp agreed to build two frigates, in a package that also included six helicopters from
        # AgustaWestland": a seller named after other kit is that kit's; the subject sells the rest.
        selling_subjects = subjects if direction == SELL and suppliers and subjects else []
        if direction == SELL:
            suppliers = (suppliers or subjects) + gapped
        elif direction == BUY:
            recipients = (recipients or subjects) + gapped
        else:
            # "Deliveries to Egypt began", "an agreement with China for the purchase": the prepositions decide.
            if re.search(r"\bto (?:supply|sell|deliver|provide)\b", lowered):
                suppliers = suppliers or subjects
            else:
                recipients = recipients or subjects
            owner = recipients[0] if len(recipients) == 1 and not suppliers else None
            if (
                owner is not None
                and owner.text.endswith(("'s", "’s"))
                and any(o.party == owner.party for _, _, k in clause_kits for o in self._origin_of(k))
                and self.last_recipient is not None
                and self.last_recipient.party != owner.party
            ):
                # "Britain's fourteen Challenger 2 tanks arrived": a state's own make arriving is what it gave the
                # recipient the report is about (where "India's S-400s" arrive, India receives them).
                suppliers, recipients = [owner], [self.last_recipient]
                pronoun = pronoun or "(the article's recipient)"
        if (
            not suppliers
            and self.last_company is not None
            and re.search(
                r"\b(?:from|by|with) the (?:company|firm|manufacturer|maker|group|yard|shipyard|shipbuilder)\b", lowered
            )
        ):
            suppliers = [self.last_company]  # "bought 44 VT-5 tanks from the company": the one just named
        if not suppliers and recipients and direction == BUY and (turned or self.last_supplier is not None):
            late_suppliers = turned or [self.last_supplier]  # only where the kit says nothing of where it comes from
        else:
            late_suppliers = []
        if not recipients and destinations and suppliers:
            recipients = destinations[:1]
        if not recipients and suppliers and direction == SELL:
            # "Germany delivered eighteen Leopard 2A6 tanks" in a report on what Ukraine received; where that is
            # the supplier itself ("Last April it sent its S-300"), the recipient of the deal just stated.
            # "Bratislava has given Ukraine weapons. Last April it sent its S-300": the same supplier again, to the
            # recipient it was just said to give to.
            sellers = {p.party for p in suppliers}
            same_story = bool(pronoun) and self.recent_supplier is not None and self.recent_supplier.party in sellers
            about = self.recent_recipient if same_story else self.last_recipient
            # "Its artillery rests on 21 PzH 2000s that Germany sold": the state the sentence before named.
            about = self._owner() or about
            if about is not None and about.party in sellers:
                about = None
            if about is not None:
                recipients, pronoun = [about], pronoun or "(the article's recipient)"
        # The possessive in "Aleksandar Vučić's country", "Poland's order": the state it names.
        if not recipients and direction in (BUY, NEUTRAL):
            owners = [p for a, b, p in clause_parties if text[p.end : p.end + 2] in ("'s", "’s") and not p.weak]
            recipients = owners[:1]
        # The kit is the subject ("Four Mi-171 helicopters arrived", "six TB2 drones ... were delivered").
        kit_first = any(a < cue_token for a, b, k in clause_kits) and (
            passive or reduced or direction == NEUTRAL or not any(not p.weak for *_, p in clause_parties)
        )
        about = self._owner() or self.last_recipient
        if (
            not recipients
            and (direction in (BUY, NEUTRAL) or (passive and not suppliers))
            and (suppliers or kit_first)
            and about is not None
            and about.party not in {p.party for p in suppliers}
            and not re.search(r"\b(?:countries|customers|nations|buyers|operators|states|armies|air forces)\b", lowered)
        ):
            # "Four Mi-171 helicopters arrived", "the first of four MILGEM corvettes ordered from Ankara was
            # commissioned": no buyer named, the one the report is about.
            recipients, pronoun = [about], pronoun or "(the article's recipient)"

        earlier_named = [k for a, b, k in kits if a < lo and (k.system and not k.generic or k.designation)]
        if (
            earlier_named
            and re.match(
                r" (?:that|the|this) (?:deal|order|contract|purchase|agreement|plan)\b"
                r"| (?:it|them)\b(?! (?:its|their|the|a|an|\d+|some|several)\b)",  # not "to sell them its SPYDER system"
                lowered[cue_end:],
            )
        ):
            # "Jakarta had signed for Su-35s in 2018 but abandoned that deal ..., and the Rafale order allowed it":
            # the step is the deal just named, whatever kit follows.
            clause_kits = [(hi, hi, _copy_kit(earlier_named[-1]))]
        named_here = bool(clause_kits)  # kit of its own, if only context, keeps the kit named before out
        carried = False
        clause_kits = _without_context(text, tokens, lo, hi, clause_kits)
        refers_back = not named_here and bool(
            re.search(
                r"\b(?:deal|order|contract|agreement|programme|program|purchase|package|negotiations|talks|batch|tranche|"
                r"letters? of (?:offer and )?acceptance)\b",
                lowered,
            )
            or re.match(r" (?:them|it)\b", lowered[cue_end:])
            or re.match(
                rf"(?: delivery)?(?: of)?(?: the| its| their)? (?:up to |about |some |another |a further )?(?:\d+|{NUMBER_ALTERNATION})"
                r"(?! ?(?:%|per ?cent|billion|million))\b|(?: an?)? (?:unspecified|undisclosed|unknown) number\b",
                lowered[cue_end:],
            )
        )
        if (
            not clause_kits
            and (self.last_kit is not None or any(a < lo for a, b, k in kits))
            and (any(b == lo for a, b, k in kits) or refers_back)  # "the Leopard 2A4s | it bought from the Netherlands"
        ):
            # "Iran is believed to have shipped them": what this sentence named before, else the last kit dealt in;
            # "Belgium agreed to supply 30": the same.
            carried = True
            earlier = [k for a, b, k in kits if a < lo and (k.system and not k.generic or k.designation)]
            clause_kits = [(hi, hi, _copy_kit(earlier[-1] if earlier else self.aside_kit or self.last_kit))]
            if (
                (stage == "cancelled" or re.search(rf"\b(?:\d+|{NUMBER_ALTERNATION}) more\b", lowered))
                and not clause_parties
                and not (recipients or suppliers)
                and self.recent_recipient is not None
            ):
                # "A contract for three more, signed in 2019, never took effect", "A second contract for eight more
                # ... was signed in November 2022": the sides of the deal just stated.
                suppliers = [self.recent_supplier] if self.recent_supplier is not None else []
                recipients, pronoun = [self.recent_recipient], pronoun or "(the deal just stated)"
        clause_kits = [(a, b, k) for a, b, k in clause_kits if not (_vague(k) and _vague_context(tokens, lo, a, b))]
        if not clause_kits:
            return [], subjects
        self._attach_origins(tokens, clause_parties, clause_kits)
        # A kind of kit beside a named weapon of that kind describes it ("Norway, which wanted new guns, ordered 24
        # K9 Vidar howitzers").
        named_kinds = {k.category for a, b, k in clause_kits if not _unnamed(k)}
        clause_kits = [(a, b, k) for a, b, k in clause_kits if not (_unnamed(k) and k.category in named_kinds)]
        # Vague kit ("weapons") yields to a precise one in the same clause ("Iranian weaponry - especially the drones").
        if any(k.generic not in VAGUE_KIT or k.system for a, b, k in clause_kits):
            clause_kits = [
                (a, b, k) for a, b, k in clause_kits if k.system or k.designation or k.generic not in VAGUE_KIT
            ]
        self._attach_quantities(tokens, lo, clause_kits)
        # "came back for another 30 in 2021", "on top of the 24 it bought in 2015": an order of the same kit in
        # another year, a deal of its own; its year is not this clause's.
        repeats = [
            (m.start("year"), m.group("year"))
            for m in REPEAT.finditer(clause)
            if (len(clause_kits) == 1 or m.group("earlier") is None) and not carried
        ]  # where the kit is the one just named ("A contract for three more, signed in 2019"), the clause is the repeat
        year_spans = [(a, b) for a, b, k in clause_kits if a < b] + [
            (k, k + 1) for k in range(lo, hi) for at, _ in repeats if tokens[k].start == clause_start + at
        ]
        year, year_text = self._year(text, tokens, lo, hi, cue_at, cue_text, year_spans)
        if year is None and stage in ("interest", "offer", "negotiation") and self.published_on is not None:
            year = self.published_on.year  # talks, offers and wishes with no date are the report's news
        ordered = ORDER_YEAR.search(clause) if stage in ("delivered", "delivery_in_progress", "cancelled") else None
        if ordered is not None and not repeats:
            # "began delivering in May 2016 under a contract signed in 2013": a deal is dated by its order.
            written = ordered.group("year") or ordered.group("year2")
            year, year_text = int(written), written
        hedge, hedge_text = _hedge(text, sentence)
        if stage == "order" and _in_service(text[sentence[0] : sentence[1]].lower()):
            # "Denmark has flown nine MH-60Rs, ordered from Washington in 2012", "bought 15 in 2011 and still flies
            # them": a purchase the sentence says is in service was delivered.
            stage = "delivered"
        kind = _kind(lowered, direction, stage)
        found = []
        # What the article itself says of where any of the clause's kit comes from covers the rest of its list
        # ("a package of 24 Rafales, a FREMM frigate and missiles"), before the registry's origin of each system.
        stated = next(
            (
                k.origin or self.suppliers_of.get(_kit_key(k))
                for _, _, k in clause_kits
                if k.origin or (not _unnamed(k) and self.suppliers_of.get(_kit_key(k)))
            ),
            None,
        )
        for k, (_, _, kit) in enumerate(clause_kits):
            earlier = self.suppliers_of.get(_kit_key(kit))
            kit_suppliers = (
                (selling_subjects if selling_subjects and not _named_after(tokens, suppliers, clause_kits, k) else [])
                or _own_suppliers(tokens, suppliers, clause_kits, k)
                or ([kit.origin] if kit.origin else [])
                or ([earlier] if earlier else [])
                or ([stated] if stated else [])
                or self._origin_of(kit)
                or late_suppliers
            )
            kit_suppliers = [self._maker_state(supplier, kit) for supplier in kit_suppliers]
            kit_recipients = _paired_recipient(text, tokens, clause_kits, k, recipients) or recipients
            origins = [kit.origin] if kit.origin else self._origin_of(kit)
            made_by = {o.party for o in origins}
            if (
                partners
                and kit_suppliers == partners
                and not made_by & {p.party for p in partners}
                and not any(p.actor is not None and self._is_company(p.actor) for p in partners)
                and (any(r.party in made_by for r in recipients) or (origins and not named_subjects))
            ):
                # "India is in talks with Jakarta on a BrahMos package", "Talks with Jakarta on a BrahMos package
                # are continuing": the side whose kit it is sells, the other buys.
                kit_suppliers = [r for r in recipients if r.party in made_by] or origins[:1]
                kit_recipients = partners
            if not suppliers and len(recipients) > 1:
                # "India and Russia signed a contract for AK-203 rifles": the side the kit comes from sells.
                sellers = {p.party for p in kit_suppliers}
                kit_recipients = [r for r in recipients if r.party not in sellers] or recipients
            for recipient in kit_recipients or [None]:
                for supplier in kit_suppliers or [None]:
                    if recipient is None and supplier is None:
                        continue
                    if (
                        recipient is not None
                        and supplier is not None
                        and recipient.party == supplier.party
                        and recipient.party
                    ):
                        continue
                    if recipient is None or supplier is None:
                        continue  # a deal needs both sides named or implied
                    if recipient.party is None and supplier.party is None:
                        continue  # two mentions that name no record: nothing to propose between them
                    if recipient.actor is not None and self._is_company(recipient.actor):
                        continue  # "sold its retired F-16s to Lockheed Martin": a company buys for itself
                    confidence = self._confidence(supplier, recipient, kit, stage, hedge, pronoun, suppliers)
                    self.suppliers_of.setdefault(_kit_key(kit), supplier)
                    self.last_supplier = supplier
                    self._count_recipient(recipient, pronoun)
                    self.recent_supplier, self.recent_recipient = supplier, recipient
                    found.append(
                        Finding(
                            supplier,
                            recipient,
                            kit,
                            stage,
                            kind,
                            year,
                            year_text,
                            sentence[0],
                            sentence[1],
                            hedge,
                            hedge_text,
                            confidence,
                            cue_text,
                            pronoun,
                        )
                    )
        for _, written in repeats:
            if int(written) != year:
                named = [f for f in found if not _unnamed(f.kit)] or found
                found.extend(replace(f, year=int(written), year_text=written, stage="order") for f in named[:1])
        return found, subjects

    def _later_step(self, text, tokens, lo, hi, parties, kits, findings) -> bool:
        """A later clause that names no one and no new kit and reports a further step of the deal just stated
        ("ordered sixteen JF-17s in 2015, and the first of them were handed over in 2018", "..., and the contract
        was cancelled"): the deal is coded once, at its furthest step, with its order year."""
        clause = text[tokens[lo].start : tokens[hi - 1].end].lower()
        cue = _cue(clause)
        if cue is None or cue[0] not in ("delivery_in_progress", "delivered", "cancelled"):
            return False
        if any(lo <= a < hi and not p.weak for a, b, p in parties):
            return False
        if any(lo <= a < hi and (k.system and not k.generic or k.designation) for a, b, k in kits):
            return False
        before = clause[max(0, cue[2] - 40) : cue[2]]
        if NEGATION.search(before) or FUTURE.search(before):
            return False
        if not re.search(
            r"\b(?:them|it|(?:the|its|their) (?:contract|deal|order|agreement|first|last|remaining|rest)|all)\b", clause
        ):
            return False
        for finding in findings:
            if CUE_RANK.index(cue[0]) > CUE_RANK.index(finding.stage):
                finding.stage = cue[0]
        return True

    def _owner(self) -> Party | None:
        """The state a sentence opening with "Its" or "Their" belongs to, the subject of the sentence before; or
        the one opening with a state's forces ("Myanmar's fleet")."""
        opening = self.text[self.sentence_start : self.sentence_start + 6].lower()
        return self.last_subject if re.match(r"(?:its|their) ", opening) else self.holder

    def _maker_subject(self, tokens, lo, cue_token, clause_parties, clause_kits=()) -> bool:
        """Whether the clause's subject, the last party before its verb, is a maker: a company, or a state's
        "consortium", "shipyard", "firm"."""
        before = [(a, b, p) for a, b, p in clause_parties if a < cue_token and not p.weak]
        if not before:
            # A name the registry does not know, capitalised up to the verb and ending as companies' names do.
            name = tokens[lo:cue_token]
            return 0 < len(name) <= 4 and all(t.text[:1].isupper() for t in name) and name[-1].lower in COMPANY_WORDS
        a, b, party = before[-1]
        if any(ka in (b, b + 1) for ka, _, _ in clause_kits):
            return False  # "around the Sukhoi Su-30MK2, ordered in batches": the kit's maker, no subject
        between = {t.lower for t in tokens[b:cue_token]}
        if cue_token - b > 5 or between & {"it", "they", "which", "that", "who", "to", "after", "with"}:
            return False  # "the Israeli company after problems with the Caesars it ordered": not its verb
        if party.actor is not None and self._is_company(party.actor):
            return True
        words = [t.lower for t in tokens[b : min(b + 3, cue_token)]]
        return any(w in MAKER_NOUNS for w in words)

    def _maker_state(self, supplier: Party, kit: Kit) -> Party:
        """A company sells from the state that makes the kit: where the registry names the company (or its group)
        as the system's producer and the system's origin is not the company's seat (KNDS is seated in the
        Netherlands, its Leopards are German), the origin. A licensee sells from its own seat (PZL Mielec's
        Black Hawks are Polish)."""
        if supplier.actor is None or not self._is_company(supplier.actor) or kit.system is None:
            return supplier
        origin = self._origin_of(kit)
        if not origin or origin[0].party == supplier.party:
            return supplier
        producer = self.vocabulary.system_info[kit.system]["producer_id"]
        part_of = self.vocabulary.part_of.get
        if producer is None or not (
            _up_from(producer, part_of, supplier.actor) or _up_from(supplier.actor, part_of, producer)
        ):
            return supplier
        return replace(supplier, party=origin[0].party)

    def about(self, title: str) -> None:
        """Take the headline's buyer, or else the first state it names ("Foreign drones tilt Ethiopia's war as
        Washington presses Ankara"), as the recipient the report is about until the text names one more often; and
        the seller it names for a weapon as where that weapon comes from."""
        headline = Reader(self.vocabulary, self.published_on)
        headline.text = title
        found = headline.read(title, 0, len(title))
        recipients = [f.recipient for f in found if f.recipient is not None and f.recipient.party is not None]
        for finding in found:
            if finding.supplier is not None and finding.supplier.party is not None and finding.supplier.text:
                # "Argentina's first F-16s from Denmark": where the article's kit comes from, as stated.
                self.suppliers_of.setdefault(_kit_key(finding.kit), finding.supplier)
        if not recipients:
            tokens = [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(title)]
            parties, _ = headline.mentions(tokens)
            recipients = [
                p
                for _, b, p in parties
                if not p.weak
                and p.party is not None
                and not self._is_company(p.actor or 0)
                and not (b < len(tokens) and tokens[b].lower in ATTRIBUTES)
            ]
            # "Russian troops in Caracas put Venezuela's arsenal in the spotlight": whose arms, before who else.
            recipients.sort(
                key=lambda p: (
                    not re.match(
                        r"['’]s (?:arsenal|military|army|navy|air force|armed forces|forces|weapons|arms|fleet)\b",
                        title[p.end - 2 : p.end + 20].lower(),
                    )
                )
            )
        if recipients:
            # Half a mention: any recipient the text itself names outweighs the headline's.
            self.recipient_counts[recipients[0].party] = 0.5
            self.recipient_named[recipients[0].party] = recipients[0]
            self.last_recipient = recipients[0]

    def _count_recipient(self, recipient: Party, pronoun: str) -> None:
        """The recipient a report is about: the one named most often so far, and none while two are named as often."""
        if pronoun or recipient.party is None:
            return
        self.recipient_counts[recipient.party] = self.recipient_counts.get(recipient.party, 0) + 1
        self.recipient_named[recipient.party] = recipient
        ranked = sorted(self.recipient_counts.items(), key=lambda item: -item[1])
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            self.last_recipient = self.recipient_named[ranked[0][0]]
        else:
            self.last_recipient = None  # no one recipient the report is about

    def _is_company(self, actor: int) -> bool:
        return self._kind(actor) == "company"

    def _kind(self, actor: int) -> str:
        return self.vocabulary.actor_info.get(actor, ("", "", ""))[2]

    def _origin_of(self, kit: Kit) -> list[Party]:
        system = kit.system if kit.system is not None else self._family(kit)
        if system is None:
            return []
        origin = self.vocabulary.system_info[system]["origin_id"]
        if origin is None or self.vocabulary.actor_info.get(origin, ("", "", ""))[2] != "state":
            # A Soviet design sold today: from the state its maker is in (Almaz-Antey's Tor-M1 is Russia's).
            origin = self.vocabulary.system_info[system]["producer_id"]
            seen = set()
            while origin is not None and origin not in seen and self._kind(origin) != "state":
                seen.add(origin)
                origin = self.vocabulary.part_of.get(origin)
            if origin is None or self._kind(origin) != "state":
                return []
        return [Party(origin, "", kit.start, kit.start, actor=origin, weak=True)]

    def _family(self, kit: Kit) -> int | None:
        """The registry system a new designation is a variant of: the longest registry designation it starts with
        ("K9A1EGY" of "K9"), or else a registry system of the same name where all of that name come from one state
        ("Hawk Mk127" beside the registry's "Hawk 100", not "Gepard 3.9" beside the German "Gepard")."""
        if not kit.designation:
            return None
        key = system_key([kit.designation])
        if key in self.families:
            return self.families[key]
        info = self.vocabulary.system_info
        # The longest designation it starts with: the one with most letters in common.
        family = max(
            (
                (len(other), system)
                for other, system in self.vocabulary.designations.items()
                if len(other) >= 2 and key.startswith(other) and len(key) > len(other) and not key[len(other)].isdigit()
            ),
            default=(0, None),
            key=lambda pair: pair[0],  # of two as long, the first, as the registry lists them
        )[1]
        head, _, rest = kit.designation.lower().partition(" ")
        if (
            family is None
            and len(head) >= 4
            and head.isalpha()
            and re.match(r"(?:(?:mk|mark|block|series|model)\.? ?\w|\d+\b(?!\.)|$)", rest)
        ):
            same = [i for i, system in info.items() if system["designation"].split(" ")[0].lower() == head]
            if same and len({info[i]["origin_id"] for i in same}) == 1:
                family = same[0]
        self.families[key] = family
        return family

    def _attach_origins(self, tokens, clause_parties, clause_kits) -> None:
        """A demonym or maker right before a kit ("Iranian drones", "Russian Mikoyan MiG-29") says where it comes
        from; in a list, the first item's origin covers the rest ("Russian MiG-29 aircraft, Mi-35 ...")."""
        first = None
        for k, (a, _, kit) in enumerate(clause_kits):
            for _, pb, party in clause_parties:
                own = party.weak or (party.actor and self._is_company(party.actor))
                # "Russian warplanes, including Su-25s, Czech-designed L-39s": who designed it, not who sells it.
                if own and pb <= a and a - pb <= 2 and not (k > 0 and DESIGNED.search(party.text)):
                    kit.origin = kit.origin or party
            if k == 0:
                first = kit.origin
            elif kit.origin is None:
                kit.origin = first

    def _attach_quantities(self, tokens, lo, clause_kits) -> None:
        taken_until = lo
        for a, b, kit in clause_kits:
            j = a - 1
            skipped = 0
            while j >= taken_until and skipped < 4:
                token = tokens[j]
                low = token.lower
                if not token.is_word or low in ("and", "or"):
                    break
                number = _number(tokens, j, taken_until)
                if number is not None:
                    kit.quantity, kit.quantity_text, kit.quantity_is_estimate = number
                    break
                skipped += 1
                j -= 1
            taken_until = b

    def _year(self, text, tokens, lo, hi, cue_at, cue_text="", kit_spans=()) -> tuple[int | None, str]:
        best, weak = None, None
        for k in range(lo, hi):
            token = tokens[k]
            if any(a <= k < b for a, b in kit_spans):
                continue  # part of a name: "PzH 2000"
            deadline = k > lo and (
                tokens[k - 1].lower in ("by", "until", "through", "till")
                or (tokens[k - 1].lower == "from" and k - 1 > lo and tokens[k - 2].lower in ("deliveries", "delivery"))
                or (tokens[k - 1].lower == "in" and k - 1 > lo and tokens[k - 2].lower in ("starting", "beginning"))
            )
            if _is_year(token.text) and not deadline:
                distance = abs(token.start - cue_at) + (0 if token.start < cue_at else 5)
                if k > lo and tokens[k - 1].lower == "from":
                    # "signed last September for turrets to be mounted from 2027": when a step begins, the year
                    # only where the clause gives no other date.
                    if weak is None or distance < weak[0]:
                        weak = (distance, int(token.text), token.text)
                elif best is None or distance < best[0]:
                    best = (distance, int(token.text), token.text)
        if best is not None:
            return best[1], best[2]
        clause = text[tokens[lo].start : tokens[hi - 1].end]
        # A date that belongs to a statement ("said on Tuesday", "acknowledged on Saturday") dates the statement,
        # not the transfer it reports.
        relative = next(
            (m for m in RELATIVE.finditer(clause) if not REPORTING_BEFORE.search(clause[: m.start()].lower())), None
        )
        if relative is None and weak is not None:
            return weak[1], weak[2]
        following = re.search(
            r"\b(?:the following year|a year later|the year after|(?P<same>(?:the|that) same year|(?:later |earlier )?that year))\b",
            clause,
            re.IGNORECASE,
        )
        if relative is None and following is not None:
            # "signed for its first eighteen in 2011 and ordered eighteen more the following year"; "Qatar asked for
            # four the same year": the year stated last, in this sentence or the one before.
            said = [int(t.text) for t in tokens[:lo] if _is_year(t.text)] or [self.last_year] * (
                self.last_year is not None
            )
            if said:
                return said[-1] + (0 if following.group("same") else 1), following.group()
        if relative is None:
            before = text[max(tokens[lo].start, cue_at - 30) : cue_at].lower()
            if (
                self.published_on is not None
                and not re.search(r"\bto have\s*$", before)
                and (PRESENT_BEFORE.search(before) or PRESENT_CUE.match(cue_text.lower()))
            ):
                return self.published_on.year, ""  # a present-tense statement: the year it was published
            return None, ""
        written = relative.group()
        if self.published_on is None:
            return None, written
        words_ = written.lower()
        year = self.published_on.year
        if "last year" in words_ or "previous year" in words_ or "a year ago" in words_:
            return year - 1, written
        if "next year" in words_:
            return year + 1, written
        if "two years ago" in words_:
            return year - 2, written
        month = next((n for m, n in MONTHS.items() if m in words_), None)
        if month is not None and month > self.published_on.month and not re.search(r"\bnext\b|\bthis\b", words_):
            return year - 1, written
        return year, written

    def _confidence(self, supplier, recipient, kit, stage, hedge, pronoun, named_suppliers) -> float:
        score = 0.35
        score += 0.2 if supplier in named_suppliers else (0.1 if kit.origin is supplier else 0.05)
        score += 0.15 if not pronoun else 0.05
        score += 0.2 if kit.system and not kit.generic else (0.12 if kit.designation else 0.05)
        score += 0.1 if stage in ("order", "delivered", "agreement", "delivery_in_progress", "cancelled") else 0.05
        score -= {"asserted": 0, "reported": 0.05, "intended": 0.08, "conditional": 0.1}[hedge]
        if supplier.party is None or recipient.party is None:
            score -= 0.2
        return round(max(0.05, min(score, 0.99)), 2)


MODIFIERS = {
    "multiple",
    "armed",
    "combat",
    "attack",
    "unmanned",
    "anti-aircraft",
    "anti-tank",
    "anti-ship",
    "surface-to-air",
    "air-to-air",
    "cruise",
    "ballistic",
    "guided",
    "self-propelled",
    "towed",
    "multirole",
    "multi-role",
    "main",
    "battle",
    "light",
    "heavy",
    "military",
    "transport",
    "utility",
    "naval",
    "coastal",
    "long-range",
    "short-range",
    "medium-range",
    "advanced",
    "modern",
    "new",
    "used",
    "second-hand",
    "additional",
    "more",
    "stealth",
    "maritime",
    "patrol",
    "reconnaissance",
    "training",
    "trainer",
    "kamikaze",
    "loitering",
    "tactical",
    "strategic",
    "supersonic",
    "hypersonic",
    "precision",
    "fighter",
    "air",
    "defence",
    "defense",
    "anti-missile",
    "missile",
    "rocket",
    "artillery",
    "infantry",
    "fighting",
    "armoured",
    "armored",
    "personnel",
    "amphibious",
    "offshore",
    "inshore",
    "fast",
    "multipurpose",
    "multi-purpose",
    "landing",
    "search-and-rescue",
    "diesel-electric",
    "nuclear",
    "sam",
    "strike",
    "ground-attack",
    "anti-submarine",
    "electronic",
    "early-warning",
    "airborne",
    "refuelling",
    "refueling",
    "sealift",
}

# A reporting verb right before a date: the date of the statement.
REPORTING_BEFORE = re.compile(
    r"\b(?:said|says|told|announced|confirmed|acknowledged|admitted|reported|stated|added|wrote|denied|claimed|"
    r"insisted|warned|revealed|disclosed)(?: \w+)?\s*$"
)
# A present-tense statement ("is in talks", "has promised", "wants to buy"): it is dated by its publication.
PRESENT_BEFORE = re.compile(
    r"\b(?:is|are|am|has|have)(?: (?:also|now|still|already|long|so far|reportedly|\w+ly))*(?: been)?"
    r"(?: (?:said|reported|believed|understood|thought)(?: to be)?)?\s*$"
)
PRESENT_CUE = re.compile(
    r"(?:is|are|has|have|wants|plans|intends|seeks|aims|considers|hopes|eyes|offers|continues|negotiates)\b"
)
RELATIVE = re.compile(
    r"\b(?:last|previous|next|this) year\b|\ba year ago\b|\btwo years ago\b|\bearlier this (?:year|month|week)\b|"
    r"\blater this year\b|\bthis (?:month|week|spring|summer|autumn|fall|winter)\b|\b(?:last|this|next) month\b|"
    # "In February last year": the month of last year, not last February.
    r"\b(?:in |by |until )?(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"spring|summer|autumn|winter) (?:of )?(?:last|this|next) year\b|"
    r"\b(?:in|since|during|from|by|last|this|next|early|late|mid-|until|(?:end|beginning|start|middle) of) (?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december)\b|\b(?:on )?(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\b|\byesterday\b|\btoday\b",
    re.IGNORECASE,
)


NUMBER_ALTERNATION = "|".join(sorted(set(NUMBER_WORDS) - {"a", "an"}, key=len, reverse=True))


def _cue(lowered: str):
    """The furthest stage a clause states, and the verb that decides its sides: (stage, direction, start, end,
    stage start, stage end, the deciding verb's own stage), or None. The sides are the main verb's, the first
    one ("Mali is reported to have bought TB2s from Turkey's Baykar, the first of which arrived"; "the first 38
    that Taiwan ordered were unloaded"); a verb with no sides of its own ("arrived") takes the next one that has."""
    best, first, sided = None, None, None
    for pattern, stage, direction in STAGE_CUES:
        for match in re.finditer(pattern, lowered):
            rank = CUE_RANK.index(stage)
            # Where a cue spans a subject ("the first 38 ... that Taiwan ordered ... were unloaded"), its verb is
            # where the clause's grammar turns.
            start = match.start("verb") if "verb" in match.re.groupindex else -1
            start = start if start >= 0 else match.start()
            candidate = (rank, -start, stage, direction, start, match.end())
            if best is None or candidate[:2] > best[:2]:
                best = candidate
            if first is None or start < first[4]:
                first = candidate
            if direction != NEUTRAL and (sided is None or start < sided[4]):
                sided = candidate
    if best is None:
        return None
    role = sided if first[3] == NEUTRAL and sided is not None else first
    return (best[2], role[3], role[4], role[5], best[4], best[5], role[2])


# Words before a kit that make it the context of a transfer, not its object: what it replaces, what it flies
# beside, what a new design is a version of, an alias a user gives it.
CONTEXT_BEFORE = re.compile(
    r"\b(?:replac(?:e|es|ed|ing)(?: (?!and\b)[\w-]+){0,3}\s*$|replacements? for|instead of|rather than|alongside|in place of|in addition to|"
    r"arrived with|came with|against|(?:mounted|fitted|installed|integrated) (?:on|onto|to|in|into)|alternatives? to|in return for|in exchange for|"
    r"beat|beats|beating|defeated|outbid|(?:to )?operate from|operating from|to fly from|aboard|to arm|to equip|"
    r"take over from|taking over from|took over from|"
    r"intercept(?:s|ed|ing)?|shoot(?:ing)? down|shot down|to counter|fired|launched|struck|"
    r"gave up|give up|giving up|(?:has|have|had|they|it|which|and|was|were) (?:\w+ )?(?:retired|decommissioned|phased out|"
    r"mothballed|withdrew|withdrawn|grounded)|"
    r"(?:chosen|chose|choose|selected|selects|preferred|picked)(?: [\w'’-]+){0,4} over|ahead of|beating|"
    r"successors? to|(?<!\bmore )(?<!\bless )(?<!\bfewer )than|(?<!\ba )(?<!\bnew )(?:fleet|inventory|stocks?|arsenal) of(?: (?:up to|about|some|a dozen|dozens of))?|(?:versions?|variants?|derivatives?|cop(?:y|ies)|developments?) of|calls?|called|"
    r"known(?: \w+)? as|dubbed|renamed|designated|commissioned as|named)"
    r"(?: (?:the|a|an|its|their|his|her|our|older|ageing|aging|existing|current|old|soviet-era|\w+-era|\w+-built|"
    r"\w+-made|\w+['’]s|\d+|some|of|more))*\s*$"
)
# Words before kit that show it in use, not in transfer, unless a purchase of it follows.
IN_USE_BEFORE = re.compile(
    r"\b(?:still |also |now )?(?:flies|fly|operates|operate|fields|field|relies on|rely on|depends on)"
    r"(?: (?:the|a|an|its|their|some|about|around|\d+|[\w-]+-(?:built|made|designed|era)|\w+ly))*\s*$"
)
PURCHASE_AFTER = re.compile(
    rf"(?:[,:]?\s+[\w-]+){{0,5}}?[,:]?\s+(?:{RELATIVE_PURCHASE.pattern}|(?:bought|ordered|delivered|supplied|received)\b)",
    re.IGNORECASE,
)
# "an enlarged version of the German Type 209": what a new design derives from, whoever made it.
VERSION_OF = re.compile(r"\b(?:version|variant|derivative|development) of (?:the |a |an )?[\w-]+\s*$")
# Words saying kit is in service now.
IN_SERVICE_NOW = re.compile(
    r"\b(?:(?:has|have|had) (?:flown|operated)|still (?:flies|fly|operates|operate|uses|use)|(?:flies|fly|operates|operate) "
    r"(?:them|it)\b|(?:now |all )+(?:fly|flies) from|in service|entered service|joined the fleet|(?:has|have) been (?:flying|operating)|"
    r"(?:was|were) commissioned)\b"
)


def _in_service(sentence: str) -> bool:
    """Whether the sentence says kit is in service, not that it will be ("will be in service by 2027")."""
    return any(
        not FUTURE.search(sentence[max(0, m.start() - 30) : m.start()])
        and "replac" not in sentence[max(0, m.start() - 60) : m.start()]  # the kit it replaces
        and not sentence.startswith(" with", m.end())  # "in service with Turkey, Poland and India": its users
        for m in IN_SERVICE_NOW.finditer(sentence)
    )


# Words right before kit that make it the carrier of a delivery, not what was delivered.
CARRIERS = {"cargo", "freight", "freighter"}
# Verbs right after transport kit that make it the carrier ("Y-20 transport aircraft landed ... to deliver").
CARRYING = {"landed", "carrying", "carried", "flew", "touched", "arrived", "brought"}
# Verbs right after kit that show it in use, not in transfer.
COMBAT_AFTER = {
    "struck",
    "fired",
    "hit",
    "attacked",
    "bombed",
    "shelled",
    "destroyed",
    "intercepted",
    "downed",
    "killed",
}
# Nouns right after a kind of kit that make it a trade or its makers ("aircraft exporter", "drone maker").
TRADE_AFTER = {"exporter", "exporters", "maker", "makers", "manufacturer", "manufacturers", "industry", "builder"}
# Words right after a designation that make it a standard or variant of the kit around it ("the F4 standard").
CONTEXT_AFTER = {"standard", "variant", "version", "derivative", "configuration", "upgrade", "family"}
# Nouns right after a designation-shaped name that make it an event ("the Army-2020 exhibition", "Zapad-2021 drills").
EVENT_AFTER = {
    "exhibition",
    "show",
    "expo",
    "forum",
    "fair",
    "exercise",
    "exercises",
    "drill",
    "drills",
    "games",
    "summit",
    "base",
}


def _context_kit(text: str, tokens: list[Token], lo: int, hi: int, a: int, b: int, kit: Kit) -> bool:
    if a >= len(tokens):
        return False  # kit carried from an earlier sentence
    before = text[tokens[max(lo, a - 8)].start : tokens[a].start].lower() if a > lo else ""
    if IN_USE_BEFORE.search(before) and not PURCHASE_AFTER.match(text, tokens[b - 1].end):
        return True  # "much of the air force still flies Soviet-built MiG-29s", not "flies the Hawks it bought"
    if VERSION_OF.search(before):
        return True
    if CONTEXT_BEFORE.search(before):
        # "will replace the four Victoria-class boats that Canada bought from Britain in 1998": context, unless a
        # purchase of it is told right after, in this clause (not "ordered Caesars ... to serve alongside the 21
        # PzH 2000s | acquired from the Bundeswehr", whose purchase is a clause of its own).
        purchase = PURCHASE_AFTER.match(text, tokens[b - 1].end)
        return purchase is None or purchase.end() > tokens[hi - 1].end
    following = tokens[b].lower if b < len(tokens) else ""
    if a > lo and tokens[a - 1].lower in CARRIERS:
        return True  # "Russian cargo aircraft kept landing … carrying parts of the S-400": what carried the kit
    if following in CARRYING and any(t.lower in CARRIERS | {"transport"} for t in tokens[a:b]):
        return True  # "C-17 transport aircraft landed at Clark air base carrying the BrahMos"
    j = a
    while j > lo and tokens[j - 1].lower in MODIFIERS:
        j -= 1
    if kit.generic and j > lo and tokens[j - 1].lower in ("few", "fewer", "no", "any"):
        return True  # "can afford few new ships or aircraft": none in particular
    if following in COMBAT_AFTER:
        return True  # "Thai F-16s struck targets", "rocket artillery fired into": kit in use, not in transfer
    if following in EVENT_AFTER and kit.system is None:
        return True  # "signed at the Army-2020 exhibition": a name of an event, not a weapon
    if kit.generic and following in TRADE_AFTER:
        return True  # "China's state-owned aircraft exporter": a trade, not a weapon
    return following in CONTEXT_AFTER and not kit.generic


def _without_context(text: str, tokens: list[Token], lo: int, hi: int, clause_kits):
    """The clause's kit less what is only context: a kit in context takes the rest of its list with it ("to
    replace ageing MiG-29s and Mirage 2000s"), and kit "for" kit named before it is what that is for ("rockets for
    Smerch launchers", "Gabriel missiles for the Pohjanmaa-class corvettes")."""
    kept, previous_context_end = [], None
    for n, (a, b, k) in enumerate(clause_kits):
        listed = (
            previous_context_end is not None
            and a < len(tokens)
            and all(
                t.lower in ("and", "or", ",", "the", "its", "their") or _number(tokens, j, j)
                for j, t in enumerate(tokens[previous_context_end:a], start=previous_context_end)
            )
        )
        platform = (
            n > 0
            and a < len(tokens)
            and a > lo
            and (
                tokens[a - 1].lower == "for"
                or (a > lo + 1 and tokens[a - 2].lower == "for" and tokens[a - 1].lower in ("the", "its", "their"))
            )
            and any(k2.system or k2.designation or k2.generic for _, _, k2 in clause_kits[:n])
        )
        # A warship's name beside its class or type ("a DW3000H-class frigate, HTMS Bhumibol Adulyadej", "the
        # carrier INS Vikrant") names the ship, not another deal.
        ship_name = k.designation.split(" ")[0] in SHIP_PREFIXES and any(
            k2 is not k and (k2.system and not k2.generic or k2.designation) for _, _, k2 in clause_kits
        )
        if listed or platform or ship_name or _context_kit(text, tokens, lo, hi, a, b, k):
            previous_context_end = b
            continue
        previous_context_end = None
        kept.append((a, b, k))
    return kept


def _vague_context(tokens: list[Token], lo: int, a: int, b: int) -> bool:
    """Vague kit that is no object of a transfer: a word qualifying another ("an arms deal", "arms exports") or a
    share of a whole ("much of its modern equipment")."""
    following = tokens[b].lower if b < len(tokens) else ""
    before = " ".join(t.lower for t in tokens[max(lo, a - 3) : a])
    return following in {
        "deal",
        "deals",
        "trade",
        "sale",
        "sales",
        "exports",
        "imports",
        "embargo",
        "industry",
    } or bool(
        re.search(
            r"\b(?:much|most|some|all|part|share|half|\w+-(?:fifths|thirds|quarters)|a (?:third|quarter)) of\b", before
        )
    )


def _asides(tokens: list[Token], lo: int, end: int) -> list[tuple[int, int]]:
    """Relative clauses and makers' phrases set off by commas before the verb at `end` ("Israel, with which
    Morocco normalised relations last December, is reported to ..."), as token spans: the states and companies in
    them are not its subject."""
    spans = []
    for i in range(lo + 1, end):
        if tokens[i].lower in MADE and tokens[i - 1].text == "," and i + 1 < end and tokens[i + 1].lower == "by":
            # "the NASAMS system, developed by Kongsberg with the American firm Raytheon, has sold": who made it.
            close = next((j for j in range(i + 1, end) if tokens[j].text == ","), None)
            if close is not None:
                spans.append((i, close))
            continue
        if tokens[i].lower not in ("which", "who", "whom", "whose"):
            continue
        opened = tokens[i - 1].text == "," or (
            i - 2 >= lo
            and tokens[i - 2].text == ","
            and tokens[i - 1].lower in ("with", "to", "from", "for", "of", "in")
        )
        close = next((j for j in range(i + 1, end) if tokens[j].text == ","), None)
        if opened and close is not None:
            spans.append((i, close))
    return spans


def _paired_recipient(text: str, tokens: list[Token], clause_kits, k: int, recipients: list[Party]) -> list[Party]:
    """Where each kit of a list is written just before its own recipient ("300 Patriot interceptors to Saudi
    Arabia and 96 THAAD interceptors to the UAE"), the one after kit `k`; else nothing."""
    if len(recipients) < 2 or len(clause_kits) < 2:
        return []
    paired = []
    for _, b, _ in clause_kits:
        end = tokens[b - 1].end
        after = [r for r in recipients if r.start >= end]
        nearest = min(after, key=lambda r: r.start) if after else None
        if nearest is None or not re.fullmatch(
            r"\s*(?:[\w-]+\s+){0,2}?(?:to|for)\s+(?:the\s+)?", text[end : nearest.start]
        ):
            return []
        paired.append(nearest)
    if len({p.start for p in paired}) < len({r.start for r in recipients}):
        return []  # one recipient for several kits is the list's ("Patriots and THAADs to Saudi Arabia and the UAE")
    return [paired[k]]


def _gapped(tokens: list[Token], b: int, hi: int) -> bool:
    """Whether a party ending at token b stands for a gapped verb: a number follows it, or "for" and a number
    ("and Switzerland for 36", "and the Dutch government 24")."""
    while b < hi and tokens[b].lower in STATE_NOUNS:
        b += 1
    if b < hi and tokens[b].lower == "for":
        b += 1
    if b < hi and tokens[b - 1].text.endswith(("'s", "’s")):
        return False  # "and South Africa's 24 Hawks came ...": whose they are, not a verb left out
    if (
        b + 1 < hi
        and tokens[b].lower == "in"
        and _is_year(tokens[b + 1].text)
        and (b + 2 >= hi or not tokens[b + 2].is_word)
    ):
        return True  # "Finland bought it in 2009 and Lithuania in 2017"
    return b < hi and (tokens[b].text[:1].isdigit() or tokens[b].lower in NUMBER_WORDS)


def _own_suppliers(tokens: list[Token], suppliers: list[Party], clause_kits, k: int) -> list[Party]:
    """Of several sellers each written after its own kit ("80 Rafale F4 fighters from Dassault and twelve Caracal
    helicopters from Airbus"), the one after this kit and before the next; otherwise all of them."""
    if len(suppliers) < 2 or len(clause_kits) < 2:
        return suppliers
    a, b, _ = clause_kits[k]
    if a >= len(tokens):
        return suppliers  # kit carried from an earlier sentence
    after = tokens[b - 1].end
    following = (
        tokens[clause_kits[k + 1][0]].start
        if k + 1 < len(clause_kits) and clause_kits[k + 1][0] < len(tokens)
        else None
    )
    own = [p for p in suppliers if p.start >= after and (following is None or p.start < following)]
    if own:
        return own
    # "offers of the F-16 from Lockheed Martin, the Gripen from Saab ... and says it has [the KF-21]": where every
    # seller follows a kit of its own, a kit with none after it has none of theirs.
    first_kit = tokens[clause_kits[0][0]].start if clause_kits[0][0] < len(tokens) else None
    return [] if first_kit is not None and all(p.start > first_kit for p in suppliers) else suppliers


def _named_after(tokens: list[Token], parties: list[Party], clause_kits, k: int) -> bool:
    """Whether any of the parties is written after kit k and before the next kit."""
    a, b, _ = clause_kits[k]
    if a >= len(tokens):
        return False
    following = clause_kits[k + 1][0] if k + 1 < len(clause_kits) else len(tokens)
    end = tokens[following].start if following < len(tokens) else tokens[-1].end + 1
    return any(tokens[b - 1].end <= p.start < end for p in parties)


def _coordination_head(tokens: list[Token], lo: int, a: int, parties) -> int:
    """The first token of the list a party ends ("in Poland and Slovakia": Poland), so the list shares the word
    before it."""
    starts = {pb: pa for pa, pb, _ in parties}
    owner = next((pa for pa, pb, p in parties if pb == a and p.text.endswith(("'s", "’s"))), None)
    if owner is not None and owner >= lo:
        a = owner  # "made by Turkey's Baykar": the company's state comes first
    while a > lo and tokens[a - 1].lower in ("and", ",", "or"):
        previous = starts.get(a - 1)
        if previous is None or previous < lo:
            break
        a = previous
    return a


def _nearest_group(tokens: list[Token], subjects: list[tuple[int, int, Party]]) -> list[Party]:
    """The subject nearest the verb, with those coordinated with it ("Both Serbia and Armenia would"), not every
    state named earlier in the clause ("the tension with Kosovo ... Serbia would")."""
    if not subjects:
        return []
    group = [subjects[-1]]
    for a, b, party in reversed(subjects[:-1]):
        between = {t.lower for t in tokens[b : group[0][0]]}
        if between <= {"and", ",", "both", "the", "as", "well", "or"}:
            group.insert(0, (a, b, party))
        else:
            break
    return [party for a, b, party in group]


def _hedge(text: str, sentence: tuple[int, int]) -> tuple[str, str]:
    quote = text[sentence[0] : sentence[1]]
    for pattern, hedge in HEDGES:
        match = re.search(pattern, quote, re.IGNORECASE)
        if match:
            return hedge, match.group()
    return "asserted", ""


def _kind(lowered: str, direction: str, stage: str) -> str:
    if re.search(
        r"\bmanufactur\w* (?:programme|program)|\bhelp (?:build|produce|manufacture)\b|"
        r"\bsupport (?:the |its |their )?\w* ?(?:manufactur|production|industry)",
        lowered,
    ):
        return "manufacturing_support"
    if re.search(
        r"\b(?:under licen[cs]e|licen[cs]ed production|produce (?:them |it )?locally|local production|"
        r"assembled locally|co-produc)",
        lowered,
    ):
        return "licensed_production"
    if re.search(r"\btechnology transfer\b|\btransfer of technology\b", lowered):
        return "technology_transfer"
    if re.search(
        r"\b(?:donat\w*|gift\w*|free of charge|as (?:military )?aid|military aid|aid package|"
        r"security assistance|drawdown)\b",
        lowered,
    ):
        return "aid"
    if re.search(r"\b(?:leas\w*|on loan|loaned|rent\w*)\b", lowered):
        return "lease"
    if re.search(r"\b(?:upgrad\w*|moderni[sz]\w*|refit\w*|overhaul\w*)\b", lowered):
        return "upgrade"
    if re.search(
        r"\b(?:bought|buy\w*|purchas\w*|order\w*|acqui\w*|procur\w*|contract\w*|sold|sell\w*|sale|deal)\b", lowered
    ):
        return "purchase"
    return "unspecified"


def _number(tokens, j, floor) -> tuple[int | None, str, bool] | None:
    """A quantity ending at token j ("12", "two dozen", "several", "up to 18"): (number, as written, estimate)."""
    token = tokens[j]
    low = token.lower
    value = None
    if re.fullmatch(r"\d{1,3}(?:,\d{3})*|\d+", token.text) and not _is_year(token.text):
        value = int(token.text.replace(",", ""))
    elif low in NUMBER_WORDS and low not in ("a", "an"):
        value = NUMBER_WORDS[low]
        if low == "dozen" and j > floor and tokens[j - 1].lower in NUMBER_WORDS:
            value = NUMBER_WORDS[tokens[j - 1].lower] * 12
            j -= 1
        elif low in ("hundred",) and j > floor and tokens[j - 1].lower in NUMBER_WORDS:
            value = NUMBER_WORDS[tokens[j - 1].lower] * 100
            j -= 1
        elif j > floor and "-" in tokens[j].text:
            pass
    elif re.fullmatch(
        r"(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(one|two|three|four|five|six|"
        r"seven|eight|nine)",
        low,
    ):
        tens, ones = low.split("-")
        value = NUMBER_WORDS[tens] + NUMBER_WORDS[ones]
    elif low in VAGUE_NUMBERS or (low == "few" and j > floor and tokens[j - 1].lower == "a"):
        start = j - 1 if low == "few" else j
        return None, " ".join(t.text for t in tokens[start : j + 1]), False
    elif low == "of" and j > floor and tokens[j - 1].lower in ("dozens", "hundreds", "thousands", "number", "batch"):
        k = j - 1
        if tokens[k].lower in ("number", "batch") and k > floor and tokens[k - 1].lower == "a":
            k -= 1
        return None, " ".join(t.text for t in tokens[k : j + 1]), False
    if value is None:
        return None
    start = j
    estimate = False
    for width in (2, 1):
        if start - width >= floor:
            words_ = " ".join(t.lower for t in tokens[start - width : start])
            if words_ in APPROXIMATE:
                start -= width
                estimate = True
                break
    return value, " ".join(t.text for t in tokens[start : tokens.index(token) + 1]), estimate


ROMAN = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)$")


def _designation_shaped(plain: str) -> bool:
    if re.match(r"^[A-Z][A-Za-zÀ-ɏ]+-class$", plain):
        return True  # "Attack-class", "Hangor-class"
    return bool(DESIGNATION.match(plain)) and system_key([plain]) not in NOT_DESIGNATIONS and not _is_year(plain)


def _model_number(text: str) -> bool:
    """A number that names a model after a name ("Gepard 3.9", "SIGMA 9813"), not a count or a year."""
    plain = re.sub(r"(?<=\d)s$", "", text)
    return bool(re.fullmatch(r"\d+\.\d+|\d{3,5}", plain)) and not _is_year(plain)


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(?:19[5-9]\d|20\d\d)", text))


def _name_word(token: Token) -> bool:
    """A capitalised word that may be a weapon's name ("Rafale", "Leopard", "SeaGuardian", "HIMARS"), not a common
    word or a sentence's grammar."""
    text = token.text
    if len(text) < 3 or not text[0].isupper() or text.lower() in COMMON_CAPITALS:
        return False
    if text.isupper():
        return text.isalpha() and len(text) <= 8  # an acronym: "HIMARS", "NASAMS"
    return text.replace("-", "").isalpha() and not text[1:].isupper()


def _span_text(tokens: list[Token], a: int, b: int) -> str:
    return " ".join(t.text for t in tokens[a:b])


def _has_origin_word(tokens: list[Token], start: int, reader: "Reader") -> bool:
    """Whether a demonym or a maker stands just before kit at `start` ("French jets"): then it is its own kit, unless
    an article makes it one already named ("four of the Soviet-designed jets")."""
    return (
        start > 0
        and reader.actor_at(tokens, start - 1) is not None
        and not (start > 1 and tokens[start - 2].lower in ("the", "these", "those"))
    )


def counted_plural(tokens: list[Token], i: int) -> bool:
    """Whether a number above one stands just before token i."""
    if i == 0:
        return False
    number = _number(tokens, i - 1, 0)
    return number is not None and (number[0] or 0) > 1


def _kit_key(kit: Kit):
    return kit.system or kit.designation.lower() or None


def _copy_kit(kit: Kit) -> Kit:
    """The same kit mentioned again: its identity, not the count written beside the first mention."""
    return replace(kit, quantity=None, quantity_text="", quantity_is_estimate=False)


def read_article(vocabulary: Vocabulary, text: str, published_on: date | None = None, title: str = "") -> list[Finding]:
    """Every deal the text states, one finding per supplier, recipient and system: a second statement of the
    same deal keeps the first's quote, and vague kit ("Iranian weaponry") folds into precise kit for the same
    parties ("Iranian drones"). The headline proposes nothing; it says which state the report is about."""
    reader = Reader(vocabulary, published_on)
    reader.text = text
    if title.strip():
        reader.about(title)
    findings: list[Finding] = []
    for start, end in sentences(text):
        findings.extend(reader.read(text, start, end))
    kept: list[Finding] = []
    for finding in findings:
        first = next((f for f in kept if f.same_deal(finding)), None)
        if first is None:
            kept.append(finding)
        else:
            # One deal stated twice is coded at its furthest step, dated by its order or agreement when written.
            dated = finding.year is not None and (
                first.year is None
                or (not first.year_text and finding.year_text)
                or (
                    finding.year_text
                    and finding.stage in ("order", "agreement")
                    and first.stage not in ("order", "agreement")
                )
            )
            if dated:
                first.year, first.year_text = finding.year, finding.year_text
            if CUE_RANK.index(finding.stage) > CUE_RANK.index(first.stage):
                first.stage = finding.stage
            if first.kind == "unspecified":
                first.kind = finding.kind
    precise = {(*f.key[:2], f.stage) for f in kept if not _vague(f.kit)}
    kept = [f for f in kept if not (_vague(f.kit) and (*f.key[:2], f.stage) in precise)]
    # Unnamed kit of a kind that a named system of the same deal already is ("twelve Rafale fighter jets" and
    # "aircraft", "MiG-29 fighters ... combat aircraft") is that system again, not a second deal.
    named = {(*f.key[:2], f.kit.category) for f in kept if f.kit.designation or (f.kit.system and not f.kit.generic)}
    kept = [f for f in kept if not (_unnamed(f.kit) and (*f.key[:2], f.kit.category) in named)]
    return _fold_variants(vocabulary, kept)


def _fold_variants(vocabulary: Vocabulary, findings: list[Finding]) -> list[Finding]:
    """One deal named by its family and by its variant ("31 Abrams" and later "M1A1 Abrams", "K9 howitzers" and
    "the K9A1EGY"): the deal is the variant, coded at the furthest step stated."""
    kept: list[Finding] = []
    for finding in findings:
        other = next(
            (
                f
                for f in kept
                if f.key[:2] == finding.key[:2]
                and (f.kind == finding.kind or "unspecified" in (f.kind, finding.kind))
                and (f.year is None or finding.year is None or f.year == finding.year)
                and (_variant_of(vocabulary, finding.kit, f.kit) or _variant_of(vocabulary, f.kit, finding.kit))
            ),
            None,
        )
        if other is None:
            kept.append(finding)
            continue
        if _variant_of(vocabulary, finding.kit, other.kit):
            quantity = other.kit.quantity, other.kit.quantity_text, other.kit.quantity_is_estimate
            other.kit = finding.kit
            if other.kit.quantity is None and not other.kit.quantity_text:
                other.kit.quantity, other.kit.quantity_text, other.kit.quantity_is_estimate = quantity
        if CUE_RANK.index(finding.stage) > CUE_RANK.index(other.stage):
            other.stage = finding.stage
        if other.year is None:
            other.year, other.year_text = finding.year, finding.year_text
    return kept


def _variant_of(vocabulary: Vocabulary, kit: Kit, family: Kit) -> bool:
    """Whether `kit` is a variant of `family`: by the registry's variant links, or, for a designation the registry
    lacks, by its name ("K9A1EGY" of "K9")."""
    if family.system is None or kit is family:
        return False
    if kit.system is not None:
        base = vocabulary.system_info[kit.system]["variant_of_id"]
    elif kit.designation and kit.candidates:
        base = kit.candidates[0][0]  # the registry designation a new one is most likely a variant of
    else:
        return False
    return _up_from(base, lambda pk: vocabulary.system_info[pk]["variant_of_id"], family.system)


def _up_from(node: int | None, parent, target: int) -> bool:
    """Whether `target` is `node` or above it, following `parent` (a part-of or variant-of link) up from it."""
    seen = set()
    while node is not None and node not in seen:
        if node == target:
            return True
        seen.add(node)
        node = parent(node)
    return False


def _compound_modifier(word: str) -> bool:
    """A lower-case compound before a kind of weapon: "carrier-based", "weapon-locating", "shore-based"."""
    return "-" in word and word.islower() and word.replace("-", "").isalpha()


def _unnamed(kit: Kit) -> bool:
    return kit.system is None and not kit.designation


def _vague(kit: Kit) -> bool:
    return kit.system is None and not kit.designation and kit.generic in VAGUE_KIT
