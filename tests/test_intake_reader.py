"""The intake reader's general rules, one small sentence each: what it finds, and what it must leave alone."""

from datetime import date

import pytest

from intake import vocabulary
from intake.extract import read_article

pytestmark = pytest.mark.django_db


def _read(text, published_on, title):
    """The findings, and a function naming each one's kit: a registry system by its designation."""
    names = vocabulary.current()

    def kit(k):
        return k.designation or (names.system_info[k.system]["designation"] if k.system else "") or k.generic

    return read_article(names, text, published_on, title), kit, names


def deals(text, published_on=None, title="") -> set[tuple]:
    """(supplier, recipient, kit, stage, year) of each deal read, the parties as written."""
    findings, kit, _ = _read(text, published_on, title)
    return {(f.supplier.text, f.recipient.text, kit(f.kit) or f.kit.text, f.stage, f.year) for f in findings}


def sides(text, published_on=None, title="") -> set[tuple]:
    """(supplier's state, recipient's state, kit) of each deal read, states by slug."""
    findings, kit, names = _read(text, published_on, title)
    slug = {i: info[0] for i, info in names.actor_info.items()}
    return {(slug.get(f.supplier.party), slug.get(f.recipient.party), kit(f.kit)) for f in findings}


def test_a_list_of_states_shares_the_word_before_it():
    text = "In 2023 ZX-9 batteries were supplied to Chile jointly by Germany and the Netherlands."
    suppliers = {s for s, r, *_ in deals(text)}
    assert suppliers == {"Germany", "the Netherlands"}
    # "in Poland and Slovakia": neither is the subject of the verb.
    assert deals("Repair hubs were set up in Poland and Slovakia, where damaged ZX-9 tanks are sent.") == set()


def test_users_sources_and_makers_are_no_parties():
    assert (
        deals("Hanwha signed a contract to supply ZX-9 howitzers, and the gun is in service with Finland and Norway.")
        == set()
    )
    text = "The ZX-7 drones, designed by Germany, were sold to Chile."
    assert not any(s == "Germany" for s, *_ in deals(text))
    text = "Tehran has sent hundreds of ZX-7 drones, according to Kyiv."
    assert not any(r == "Kyiv" for s, r, *_ in deals(text))


def test_kit_in_context_is_no_transfer():
    text = "In 2021 Chile bought twelve ZX-5 jets from France, replacing its ageing ZX-1s."
    assert {k for *_, k, st, y in deals(text)} == {"ZX-5"}
    text = "In 2021 Chile signed for 80 ZX-5s of the new F4 standard from France."
    assert {k for *_, k, st, y in deals(text)} == {"ZX-5"}
    text = "In 2022 Peru ordered thirty ZX-6 howitzers, a ZX-4 variant, from France."
    assert {k for *_, k, st, y in deals(text)} == {"ZX-6"}


def test_a_contrast_without_a_transfer_verb_is_left_out():
    text = "Germany sent ZX-8 guns to Chile last year, but their use has been limited by shortages of ammunition."
    assert {k for *_, k, st, y in deals(text, date(2023, 5, 1))} == {"ZX-8"}


def test_a_later_clause_raises_the_stage_and_keeps_the_order_year():
    text = "Chile ordered sixteen ZX-3 jets from France in 2015, and the first of them were handed over in 2018."
    assert deals(text) == {("France", "Chile", "ZX-3", "delivery_in_progress", 2015)}


def test_years_inside_names_statements_and_present_tense():
    text = "Chile has ordered 24 PzH 2000 self-propelled howitzers from Germany."
    ((*_, year),) = deals(text, date(2018, 12, 19))
    assert year == 2018  # "2000" is part of the name; a present-perfect statement takes the publication year
    text = "Chile's minister acknowledged on Saturday that Peru had supplied ZX-7 drones to Chile."
    ((*_, year),) = deals(text, date(2022, 11, 6))
    assert year is None  # the Saturday dates the statement, not the transfer
    text = "Chile is in talks with France over the ZX-2 rocket launcher."
    assert deals(text, date(2022, 8, 30)) == {("France", "Chile", "ZX-2", "negotiation", 2022)}


def test_the_report_recipient_is_the_one_named_most():
    text = (
        "Germany sent ZX-8 guns to Chile in 2022. Spain pledged ZX-9 tanks to Chile in 2023. "
        "Norway delivered ZX-6 howitzers in 2023."
    )
    assert ("Norway", "Chile", "ZX-6", "delivered", 2023) in deals(text)
    text = "Germany sent ZX-8 guns to Chile in 2022. Spain pledged ZX-9 tanks to Peru in 2023. Norway delivered ZX-6 howitzers."
    assert not any(s == "Norway" for s, *_ in deals(text))  # two recipients as often: none is the report's


def test_a_name_before_the_word_for_a_deal_is_one_weapon():
    text = "Chile is negotiating a BrahMos purchase with India, officials said."
    assert deals(text, date(2024, 4, 20)) == {("India", "Chile", "BrahMos", "negotiation", 2024)}
    assert "Rafale" in {k for *_, k, st, y in deals("In 2021 Chile bought 24 Rafales from France.")}


def test_unnamed_kit_of_a_named_systems_kind_is_that_system():
    text = "In 2024 Chile signed a contract to buy twelve ZX-5 fighter jets from France, its first Western aircraft."
    assert {k for *_, k, st, y in deals(text)} == {"ZX-5"}


def test_new_cues():
    assert ("France", "Chile", "ZX-5", "offer", 2020) in deals(
        "In December 2020 France notified Congress of a possible sale of four ZX-5 drones to Chile."
    )
    assert ("Germany", "Chile", "ZX-6", "agreement", 2024) in deals(
        "In June 2024 Germany decided to give Chile one of its ZX-6 air-defence systems."
    )
    assert {
        st for *_, st, y in deals("Chile became the first foreign buyer of the ZX-5 drones from France in 2018.")
    } == {"order"}


def test_refusals_and_statistics_stay_out():
    assert deals("Washington has so far refused to send ZX-5 jets to Chile.") == set()
    assert deals("Chile has bought much of its modern equipment from Israel and Peru.") == set()
    assert deals("Chile and Peru signed an arms deal with France in 2020.") == set()


def test_two_mentions_that_name_no_record_make_no_deal(curator_client):
    # Neither "the Congolese" nor "the Guinean" names one state: nothing is proposed between two unknown parties,
    # and the article is still stored.
    text = "The Guinean army bought ten ZX-5 armoured vehicles from the Congolese army in 2020."
    findings = read_article(vocabulary.current(), text)
    assert all(f.supplier.party is not None or f.recipient.party is not None for f in findings)
    response = curator_client.post("/api/v1/intake/", {"title": "T", "text": text}, "application/json")
    assert response.status_code == 201


def test_a_seller_winning_an_order_takes_the_buyer_after_from():
    found = deals("Saab has won a contract from Chile for four ZX-7 jets.", date(2023, 6, 1))
    assert {(s, r, stage) for s, r, k, stage, y in found} == {("Saab", "Chile", "order")}


def test_future_purchases_and_gifts_are_agreements_and_requests_are_interest():
    assert {st for *_, st, y in deals("Chile will buy 26 ZX-7 jets from France.")} == {"agreement"}
    assert {st for *_, st, y in deals("Norway will donate 14 ZX-8 howitzers to Chile.")} == {"agreement"}
    found = deals("Kyiv has asked Washington for ZX-9 missiles.")
    assert {(s, r, st) for s, r, k, st, y in found} == {("Washington", "Kyiv", "interest")}


def test_a_year_deliveries_start_is_not_the_order_year():
    found = deals("Lockheed Martin will deliver 32 ZX-35 fighters to Chile starting in 2026.")
    assert {y for *_, y in found} == {None}


def test_what_follows_the_transfer_after_a_comma_is_not_part_of_it():
    text = (
        "Chile on Friday signed contracts for 180 ZX-2 tanks from Peru, turning a shopping list into business "
        "for Bolivian industry."
    )
    assert {(s, r) for s, r, *_ in deals(text)} == {("Peru", "Chile")}
    text = (
        "Chile signed a contract for ten ZX-3 jets from Peru, which would make it the first customer for Brazil's jet."
    )
    assert {(s, r) for s, r, *_ in deals(text)} == {("Peru", "Chile")}


def test_kit_leased_from_a_state_is_delivered():
    found = deals("Chile's air force already flies fourteen ZX-4 fighters leased from Sweden.")
    assert {(s, r, st) for s, r, k, st, y in found} == {("Sweden", "Chile's", "delivered")}


def test_a_states_own_make_arriving_is_what_it_gave_the_reports_recipient():
    text = (
        "Germany delivered eighteen ZX-6 guns to Chile in March. Britain's fourteen Challenger 2 tanks arrived in May."
    )
    assert ("Britain's", "Chile", "Challenger 2", "delivered", None) in deals(text)


def test_a_refusal_binds_only_its_own_clause():
    text = "Chile's fleet consists of ZX-3 jets gifted by Peru, and Santiago has refused to join sanctions on Lima."
    assert ("peru", "chile", "ZX-3") in sides(text)
    text = "Chile is negotiating to buy ZX-3 jets from Peru after years in which objections blocked the sale."
    assert ("peru", "chile", "ZX-3") in sides(text)
    assert deals("Peru has declined to provide the ZX-9 missile that Chile has requested.") == set()
    assert deals("The ZX-7 drones are produced by a company rather than supplied by Peru to Chile.") == set()


def test_a_subordinate_clause_with_its_own_subject_is_read_apart():
    text = (
        "Chile approved on Friday the transfer of its ZX-3 jets to Peru, a day after Bolivia said it would hand "
        "over four of the jets."
    )
    assert {("chile", "peru", "ZX-3"), ("bolivia", "peru", "ZX-3")} <= sides(text)
    text = (
        "Chile signed a letter of intent to buy ZX-2 tanks from Peru, in an arrangement under which Chile is "
        "expected to send thirty ZX-1 tanks to Bolivia."
    )
    assert ("chile", "bolivia", "ZX-1") in sides(text)
    assert not any(k == "ZX-2" and r == "bolivia" for s, r, k in sides(text))
    text = "After giving its ZX-1 guns to Peru in 2023, Chile ordered ZX-2 guns from Bolivia."
    assert sides(text) == {("chile", "peru", "ZX-1"), ("bolivia", "chile", "ZX-2")}


def test_a_list_of_states_is_one_clause_and_a_neutral_step_takes_the_verbs_sides():
    text = (
        "The first ZX-9 batteries, one from France and one supplied by Germany and the Netherlands, arrived in Chile."
    )
    assert {s for s, r, k in sides(text)} == {"france", "germany", "netherlands"}
    text = "Peru has committed a hundred ZX-4 vehicles to Chile, the first of which have already been delivered."
    assert deals(text) == {("Peru", "Chile", "ZX-4", "delivery_in_progress", None)}


def test_sellers_follow_their_own_kit_and_companies_buy_for_themselves():
    text = "In 2021 Chile signed for eighty ZX-5 jets from Dassault and twelve ZX-6 helicopters from Leonardo."
    assert sides(text) == {("france", "chile", "ZX-5"), ("italy", "chile", "ZX-6")}
    assert deals("In 2020 Chile sold eighteen of its retired ZX-2 jets to Lockheed Martin.") == set()
    assert deals("A sale of ZX-2 jets to Chile stalled, and Chile has looked at alternatives from Peru.") == set()


def test_a_family_and_its_variant_are_one_deal():
    text = (
        "In 2022 Chile signed a contract with Hanwha to buy K9 self-propelled howitzers. The deal, signed in "
        "Santiago on Tuesday, covers the K9CHL, a version adapted for Chile."
    )
    assert {k for s, r, k in sides(text, date(2022, 2, 2))} == {"K9CHL"}


def test_the_kit_named_before_is_what_a_definite_or_bare_number_refers_to():
    text = "Peru bought the ZX-4 drone from Turkey in 2018, and Chile ordered the drone in 2023."
    assert sides(text) == {("turkiye", "peru", "ZX-4"), ("turkiye", "chile", "ZX-4")}
    text = "Chile has said it will send six ZX-5 jets to Peru, and Bolivia agreed in May to supply 30 by 2028."
    assert {s for s, r, k in sides(text) if k == "ZX-5"} == {"chile", "bolivia"}
    text = "Chile has pledged 19 of the ZX-5 jets and the Bolivian government 24, to be handed over in stages."
    assert sides(text, title="Peru shows off its first ZX-5 jets") == {
        ("chile", "peru", "ZX-5"),
        ("bolivia", "peru", "ZX-5"),
    }


def test_kit_in_combat_carried_or_replaced_is_no_transfer():
    assert deals("In 2022 Peru sent ZX-8 guns to Chile that proved effective against drones.") == {
        ("Peru", "Chile", "ZX-8", "delivered", 2022)
    }
    text = "Two Indian ZX-17 transport aircraft landed at an air base in Chile on Friday carrying BrahMos missiles."
    assert not any(k == "ZX-17" for s, r, k in sides(text, title="Chile takes delivery of BrahMos missiles"))
    text = "Chile intends to buy ZX-5 fighters from Peru to replace its worn-out ZX-1 jets."
    assert {k for s, r, k in sides(text)} == {"ZX-5"}
    text = "Chile signed for ZX-5 jets from Peru in 2024, a month after Bolivian ZX-2 jets struck targets in Chile."
    assert {k for s, r, k in sides(text)} == {"ZX-5"}


def test_no_buyer_named_is_the_report_recipient_and_the_headline_names_it():
    text = "Four ZX-7 helicopters from Peru arrived on Monday."
    assert sides(text, title="Chile receives its first ZX-7 helicopters") == {("peru", "chile", "ZX-7")}
    assert sides(text) == set()
    text = "Chile bought ZX-7 helicopters from Peru in 2020. The first of four ZX-8 corvettes ordered from Lima was commissioned in 2023."
    assert ("peru", "chile", "ZX-8") in sides(text)


def test_a_pronoun_stands_for_the_subject_before_it():
    text = "Chile is negotiating with Peru over ZX-3 missiles, and it plans to buy ZX-4 helicopters from Bolivia."
    assert ("bolivia", "chile", "ZX-4") in sides(text)
    text = (
        "Peru received ZX-1 tanks from Bolivia in 2019. Chile and Peru signed a memorandum in 2020. "
        "It took delivery of ZX-2 drones from Bolivia in 2021."
    )
    assert ("bolivia", "peru", "ZX-2") in sides(text)  # of two subjects, the one the report is about
    text = "Chile gave Peru ZX-1 guns in 2021. Last April it sent its ZX-2 air-defence system."
    assert ("chile", "peru", "ZX-2") in sides(text, date(2023, 3, 1))


def test_another_order_in_another_year_is_a_deal_of_its_own():
    text = "Chile, which ordered 24 ZX-5 jets from France in 2015 and came back for another 30 in 2021, flies them."
    assert {y for *_, y in deals(text)} == {2015, 2021}
    text = "On Thursday Chile ordered twelve more ZX-5 jets from France, on top of the 24 it bought in 2015."
    assert {y for *_, y in deals(text, date(2017, 12, 11))} == {2015, 2017}


def test_offers_received_retired_kit_and_forecasts():
    text = "Chile's air force has received offers of the ZX-5 from Dassault and the ZX-6 from Saab."
    assert {(s, st) for s, r, k, st, y in deals(text)} == {("Dassault", "offer"), ("Saab", "offer")}
    text = "Peru has handed over two retired ZX-3 frigates to Chile."
    assert {k for s, r, k in sides(text)} == {"ZX-3"}
    text = "Chile will buy ZX-5 jets from Peru, which it wants because it retired its ZX-1 and ZX-2 jets."
    assert {k for s, r, k in sides(text)} == {"ZX-5"}
    text = "Chile's new plan is expected to set out further purchases, possibly including ZX-7 helicopters from Peru."
    assert deals(text) == set()
    text = "In 2014 Chile's voters threw out a plan to buy 22 ZX-5 fighters from Sweden's Saab."
    assert {(s, st) for s, r, k, st, y in deals(text)} == {("Sweden's", "cancelled")}


def test_a_kit_for_a_kit_is_its_platform_and_the_dutch_are_a_state():
    text = "In 2018 Chile ordered ZX-9 missiles from Israel for its ZX-3 corvettes."
    assert {k for s, r, k in sides(text)} == {"ZX-9"}
    assert sides("In 2004 Chile bought two ZX-3 frigates from the Dutch.") == {("netherlands", "chile", "ZX-3")}


def test_a_relative_clause_after_a_state_is_that_states():
    text = "Chile, which gave its ZX-3 guns to Peru in 2022, bought six ZX-4 systems from Israel last year."
    assert sides(text, date(2025, 5, 1)) == {("chile", "peru", "ZX-3"), ("israel", "chile", "ZX-4")}
    text = "Chile, which bought twelve ZX-5 jets from France in 2021, received its first six in April."
    assert deals(text, date(2022, 6, 1)) == {("France", "Chile", "ZX-5", "delivery_in_progress", 2021)}


def test_a_maker_that_signs_sells_and_a_pronoun_buyer_is_a_buyer():
    text = "Turkey's shipbuilding consortium signed a contract with Chile's navy on Saturday for two ZX-6 frigates."
    assert sides(text) == {("turkiye", "chile", "ZX-6")}
    text = "In 2022 Rheinmetall signed a contract to supply Chile with a hundred ZX-2 tanks."
    assert sides(text) == {("germany", "chile", "ZX-2")}
    text = "Chile bought ZX-1 jets from Peru in 2019. Chile received ZX-2 tanks from Peru in 2020. Brazil sent advisers. It ordered 28 ZX-3 tanks from Peru in 2021."
    assert ("peru", "chile", "ZX-3") in sides(text)


def test_a_kind_of_kit_beside_a_named_weapon_describes_it_and_shares_are_no_deals():
    text = "Chile, which wanted new guns for the Andes, ordered 24 ZX-9 howitzers from South Korea in 2017."
    assert {k for s, r, k in sides(text)} == {"ZX-9"}
    assert deals("Chile bought four-fifths of its arms from Russia in the two decades to 2023.") == set()
    text = "In 2022 Chile ordered ZX-7 helicopters from Peru to operate from the navy's frigates."
    assert {k for s, r, k in sides(text)} == {"ZX-7"}


def test_who_begins_delivering_sells_and_what_keeps_arriving_is_still_coming():
    text = "Peru began delivering ZX-5 helicopters to Chile in May 2016 under a contract signed in 2013."
    assert deals(text) == {("Peru", "Chile", "ZX-5", "delivery_in_progress", 2013)}
    text = "Batteries of the ZX-6 system from Peru have been arriving in Chile since 2011."
    assert {st for *_, st, y in deals(text)} == {"delivery_in_progress"}
    text = "Chile signed for ZX-2 trucks from Peru in 2020. Batches of the ZX-2 were delivered in 2021 and 2022."
    assert {st for *_, st, y in deals(text)} == {"delivery_in_progress"}
    text = "Six Peruvian air force transport aircraft landed in Chile on Saturday, reportedly delivering ZX-3 missiles."
    assert sides(text, date(2022, 4, 11)) == {("peru", "chile", "ZX-3")}


def test_signing_for_kit_with_words_between_and_a_seller_winning_a_contract_for_it():
    text = "Chile signed in 2012 for 22 ZX-4 trainers from Peru."
    assert deals(text) == {("Peru", "Chile", "ZX-4", "order", 2012)}
    text = "Chile's defence ministry bought ZX-1 jets from Peru's Andes Aero in 2015. In 2017 it signed with the same company for 12 ZX-2 fighters."
    assert ("peru", "chile", "ZX-2") in sides(text)
    text = "Rheinmetall, which won a 2020 contract for 218 ZX-7 vehicles, has begun handing them over to Chile."
    assert sides(text) == {("germany", "chile", "ZX-7")}


def test_a_company_the_registry_does_not_know_that_signs_is_the_seller():
    text = "Andes Systems signed with Chile in 2020 for four ZX-8 radars made in Peru."
    assert not any(r == "peru" or s == "chile" for s, r, k in sides(text))


def test_pitching_wanting_and_liking_are_early_steps():
    found = deals("Boeing has been pitching the ZX-3 to Chile since 2019.")
    assert {(r, st) for s, r, k, st, y in found} == {("Chile", "offer")}
    text = "Chile is reported to want a fleet of ZX-9 drones from the United States."
    assert deals(text, date(2020, 2, 26)) == {("the United States", "Chile", "ZX-9", "interest", 2020)}
    text = "Chilean officials say they would like Swedish ZX-5 fighters as well."
    assert {(s, r, st) for s, r, k, st, y in deals(text)} == {("Swedish", "Chilean", "interest")}


def test_a_stopped_plan_is_cancelled_and_an_exhibition_is_no_kit():
    text = "Chile has stopped its plan to deploy two US-made ZX-8 batteries ordered in 2017."
    assert {(s, r, st) for s, r, k, st, y in deals(text)} == {("US-made", "Chile", "cancelled")}
    text = "At the ZX-2020 exhibition in August 2020, Chile signed for four ZX-6 helicopters from Peru."
    assert {k for s, r, k in sides(text)} == {"ZX-6"}


def test_kit_described_by_a_participle_has_its_buyer_elsewhere():
    text = (
        "BRP Andes left Hyundai Heavy Industries' yard on March 27 and is the first of two ZX-4 corvettes "
        "ordered from the South Korean shipbuilder in 2021."
    )
    assert sides(text, date(2025, 4, 10), "Chile's Korean warships") == {("south-korea", "chile", "ZX-4")}
    text = "The ZX-5 missiles were first ordered in 2013 from Peru, and the navy has them in service."
    assert deals(text, None, "Chile buys missiles") == {("Peru", "Chile", "ZX-5", "delivered", 2013)}


def test_who_is_named_far_after_a_verb_of_giving_is_no_recipient():
    text = "Twelve Cheetah fighters, sold by Peru's Andes Aero in 2010 from retired Peruvian Air Force stocks, had all arrived."
    assert sides(text, None, "Chile's air force") == {("peru", "chile", "Cheetah")}
    text = "Peru had offered to sell Chile twelve ZX-2 helicopters at a steep discount."
    assert sides(text) == {("peru", "chile", "ZX-2")}


def test_when_a_step_begins_dates_it_only_where_nothing_else_does():
    text = "Last September Chile signed with Peru for 16 ZX-3 turrets, to be mounted on its ZX-4 vehicles from 2027."
    assert deals(text, date(2025, 2, 1)) == {("Peru", "Chile", "ZX-3", "order", 2024)}


def test_the_air_force_receiving_is_the_reports_state_and_and_carries_the_subject_over():
    text = "Chile bought ZX-1 jets from Peru in 2010. Yet it still depends on Peru. The air force's 40 Peruvian ZX-2 fighters were delivered in 2019."
    assert ("peru", "chile", "ZX-2") in sides(text)
    text = "Peru delivered ZX-3 tanks to Chile in 2023 and has been sending ZX-4 howitzers since 2022."
    assert {(k, st) for s, r, k, st, y in deals(text)} == {("ZX-3", "delivered"), ("ZX-4", "delivery_in_progress")}


def test_close_to_a_deal_is_negotiation_and_abandoning_that_deal_ends_the_deal_just_named():
    text = "Chile is reported to be close to a deal for 12 more ZX-5 jets from Peru."
    assert {st for *_, st, y in deals(text)} == {"negotiation"}
    text = (
        "Chile signed for ZX-6 fighters from Peru in 2018 but abandoned that deal, and the ZX-7 order let it modernise."
    )
    assert {(k, st) for s, r, k, st, y in deals(text)} == {("ZX-6", "cancelled")}


def test_a_dated_or_priced_contract_is_an_order_and_a_counted_plural_name_is_singular():
    text = "Chile's 2018 contract for Peru's ZX-8 air-defence system could expose it to sanctions."
    assert deals(text) == {("Peru's", "Chile's", "ZX-8", "order", 2018)}
    text = "In June 2022 Chile signed a 30-billion-peso contract with Peru for six ZX-9 patrol vessels."
    assert sides(text) == {("peru", "chile", "ZX-9")}
    text = "Chile expects the first of the 17 ZX-22 Ospreys it has bought from Peru to arrive next month."
    assert {k for s, r, k in sides(text)} == {"ZX-22 Osprey"}


def test_a_maker_that_agrees_to_build_sells():
    text = "Peru's Andes Yards agreed in 2012 to build two ZX-6 frigates for Chile."
    assert {(s, r, st) for s, r, k, st, y in deals(text)} == {("Peru's", "Chile", "agreement")}


def test_a_new_variant_comes_from_where_its_family_does():
    # "Hawk Mk127" is no registry designation; "Hawk" is, and it is British.
    text = "India bought Su-30 jets from Russia in 2000. Australia still flies the 33 Hawk Mk127s it bought in 1997."
    assert ("united-kingdom", "australia", "Hawk Mk127") in sides(text)


def test_whose_design_a_licensed_build_is_sells_it_and_a_warship_is_named_once():
    text = (
        "In 2020 Chile signed for four ZX-3 frigates based on the ZX-2 design of Germany's Thyssenkrupp Marine Systems."
    )
    assert ("germany", "chile", "ZX-3") in sides(text)
    text = "In 2016 Chile bought the British helicopter carrier HMS Ocean."
    assert {k for s, r, k in sides(text)} == {"HMS Ocean"}
    text = "Chile's most capable warship, HMS Andes, is a ZX-4 frigate ordered from Peru in 2013."
    assert {k for s, r, k in sides(text)} == {"ZX-4"}


def test_a_seller_named_after_other_kit_is_that_kits_and_the_subject_sells_the_rest():
    text = (
        "Germany's Andes Werft agreed to build two ZX-6 frigates for Chile, in a package that also included six "
        "ZX-7 helicopters from Italy's Alpina."
    )
    assert sides(text) == {("germany", "chile", "ZX-6"), ("italy", "chile", "ZX-7")}


def test_it_after_a_state_called_a_customer_is_that_state():
    text = (
        "Oman bought ZX-2 jets from Britain in 2012. Oman bought ZX-3 jets from Britain in 2013. "
        "India remains the largest export customer. It ordered 66 ZX-1 jets from Britain in 2004."
    )
    assert ("united-kingdom", "india", "ZX-1") in sides(text)


def test_whose_kit_came_as_part_of_a_package_and_two_owners_in_one_sentence():
    text = "Chile flies the 33 ZX-1s it bought from Peru in 1997, and Bolivia's 24 ZX-2s came as part of a 1999 package from Peru."
    assert sides(text) == {("peru", "chile", "ZX-1"), ("peru", "bolivia", "ZX-2")}


def test_a_contract_won_with_its_date_between_and_a_navy_in_the_headline():
    text = "Israel Shipyards won a contract in April 2021 for nine ZX-5 fast attack craft."
    assert deals(text, None, "Made in Haifa: how the Chilean Navy's fleet changed") == {
        ("Israel", "the Chilean", "ZX-5", "order", 2021)
    }
    text = "The United States transferred three former Coast Guard ZX-8-class cutters to Chile in 2011."
    assert {k for s, r, k in sides(text)} == {"ZX-8-class"}


def test_the_headlines_owner_of_an_arsenal_is_the_reports_recipient():
    text = "The army took delivery of 400 ZX-3 rifles from Peru in 2005."
    title = "Peruvian troops in Lima put Chile's arsenal in the spotlight"
    assert sides(text, None, title) == {("peru", "chile", "ZX-3")}


def test_still_shipping_and_kept_sending_are_deliveries_under_way():
    text = "Peru is still shipping ZX-6 armoured vehicles to Chile under a contract signed in 2014."
    assert deals(text) == {("Peru", "Chile", "ZX-6", "delivery_in_progress", 2014)}
    text = "Peru's Andes Werft has kept sending ZX-7 patrol boats to Chile."
    assert {(s, r, st) for s, r, k, st, y in deals(text)} == {("Peru's", "Chile", "delivery_in_progress")}


def test_kit_a_state_flies_is_in_use_unless_a_purchase_of_it_follows():
    text = "Peru delivered ZX-1 systems to Chile in 2005, and much of the air force still flies Soviet-built ZX-2 jets."
    assert {k for s, r, k in sides(text)} == {"ZX-1"}
    text = "Chile already flies ZX-3s: eleven C and D models bought from Peru have been in service since 2011."
    assert {(s, r) for s, r, k in sides(text)} == {("peru", "chile")}


def test_the_carriers_state_delivers_and_a_soviet_design_comes_from_its_makers_state():
    text = "At the end of June Peruvian cargo aircraft delivered second-hand ZX-5 jets to Chile."
    assert sides(text) == {("peru", "chile", "ZX-5")}
    # The registry gives Tor-M1 a Soviet origin and Almaz-Antey, a Russian company, as its maker.
    assert sides("Chile received twenty-nine Tor-M1 systems in 2007.") == {("russia", "chile", "Tor-M1")}


def test_a_states_measure_is_not_the_state_as_a_party_and_a_makers_name_is_no_subject():
    title = "With the US embargo gone, Chile weighs how far to look beyond Peru"
    text = "The army received ZX-4 rifles from Peru in 2010."
    assert sides(text, None, title) == {("peru", "chile", "ZX-4")}
    text = "Chile's 2018 contract for Peru's ZX-8 air-defence system could expose it to US sanctions."
    assert {(s, r) for s, r, k in sides(text)} == {("peru", "chile")}
    text = "In the air, Chile has built its fighter force around the Sukhoi ZX-7, ordered in 2009 from Peru."
    assert {(s, r) for s, r, k in sides(text)} == {("peru", "chile")}


def test_more_ways_reports_state_a_step():
    text = "Defence Minister Juan Perez, who visited Lima in February, is reported to be interested in ZX-1 fighters from Peru."
    assert deals(text, date(2016, 10, 19), "Chile looks to Peru") == {("Peru", "Chile", "ZX-1", "interest", 2016)}
    text = "Chile signed for three ZX-2 submarines from Peru in 2011. A contract for three more, signed in 2019, never took effect and has been quietly dropped."
    assert ("Peru", "Chile", "ZX-2", "cancelled", 2019) in deals(text)
    text = "In March Chile signed instead for two ZX-3 submarines from Peru's Andes Yards."
    assert {st for *_, st, y in deals(text, date(2024, 6, 20))} == {"order"}
    text = "Chile has also turned to Peru, signing last August for four ZX-4 helicopters."
    assert {st for *_, st, y in deals(text, date(2016, 5, 4))} == {"order"}
    text = "Peru's Andes Yards did deliver all eight ZX-5 patrol ships Chile ordered in 2005."
    assert {(r, st) for s, r, k, st, y in deals(text)} == {("Chile", "delivered")}
    text = "Chile has been receiving a dozen second-hand ZX-6 fighters from Peru under a package agreed in 2013."
    assert deals(text) == {("Peru", "Chile", "ZX-6", "delivery_in_progress", 2013)}
    text = "Peruvian officials were quoted this week as saying Lima would also give Chile ZX-7 armoured vehicles."
    assert {(s, r, st) for s, r, k, st, y in deals(text)} == {("Lima", "Chile", "agreement")}


def test_a_maker_building_kit_ordered_from_it_sells_and_a_payer_is_no_party():
    text = "DCNS is also building four ZX-8 corvettes ordered in 2014."
    assert sides(text, None, "Chile's navy grows") == {("france", "chile", "ZX-8")}
    text = "Within weeks Chile had agreed to buy both ZX-9 ships from Peru, with Bolivia widely reported to be helping with the bill."
    assert sides(text) == {("peru", "chile", "ZX-9")}


def test_a_new_name_with_a_decimal_is_no_registry_system_and_a_neighbour_is_no_seller():
    text = "At sea, Peru delivered two Gepard 3.9 light frigates to Chile in 2011."
    assert {k for s, r, k in sides(text)} == {"Gepard 3.9"}
    text = "In 2017 Chile ordered ZX-1 guns from Peru. Last year Chile signed for a second batch of 100, to be deployed along the border with Bolivia."
    assert ("bolivia", "chile", "ZX-1") not in sides(text, date(2025, 1, 1))


def test_every_name_in_the_registry_is_found_where_it_is_written():
    # The reader passes over a word that starts no name without trying every width: no name may be passed over.
    from actors.models import Actor, ActorAlias
    from intake.extract import TOKEN, Reader, Token
    from systems.models import System, SystemAlias

    reader = Reader(vocabulary.current())

    def tokens(name):
        return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(name)]

    actors = list(Actor.objects.exclude(kind="unknown").values_list("name", flat=True))
    actors += [n for n in ActorAlias.objects.values_list("name", flat=True) if not n.endswith("*")]
    # Names with commas or brackets ("Korea, Republic of") are never read as one name, and need not be.
    readable = [n for n in actors if n.strip() and all(t.is_word for t in tokens(n))]
    assert [n for n in readable if reader.actor_at(tokens(n), 0) is None] == []
    systems = [n for n in System.objects.values_list("designation", flat=True) if n]
    systems += list(SystemAlias.objects.values_list("name", flat=True))
    for name in systems + [n + "s" for n in systems if n[-1:].isalpha()]:
        found = reader.system_at(tokens(name), 0)
        assert found is not None or not tokens(name)[0].is_word or not name[:1].isupper() and not name[:1].isdigit(), (
            name
        )


def test_what_a_design_is_a_version_of_is_context_and_a_strike_aircraft_is_named():
    text = (
        "In December 2011 Chile signed with Peru's Andes Shipbuilding & Marine Engineering for three ZX-3 submarines, "
        "an enlarged version of the German ZX-2 that the yard had built under licence."
    )
    assert {k for s, r, k in sides(text)} == {"ZX-3"}
    text = "Five second-hand Super Andino Modernisé strike aircraft bought from France in 2017 arrived in 2019."
    assert {k for s, r, k in sides(text, None, "Chile's air force")} == {"Super Andino Modernisé"}


def test_the_following_year_is_the_year_after_the_one_just_written():
    text = "Chile signed for its first eighteen ZX-6 fighters from Peru in 2011 and ordered eighteen more the following year."
    assert {y for *_, st, y in deals(text)} == {2011, 2012}


def test_a_purchase_the_sentence_says_is_in_service_was_delivered():
    text = "Chile has flown nine ZX-6 helicopters, ordered from Peru in 2012, since the second half of the decade."
    assert {st for *_, st, y in deals(text)} == {"delivered"}
    text = "Chile bought 15 ZX-7 helicopters from Peru in 2011 and still flies them."
    assert {st for *_, st, y in deals(text)} == {"delivered"}
    # Not the kit it replaces, nor its users, nor what will be.
    text = "In 2020 Chile signed with Peru for the ZX-8 system, meant to replace a system that has been in service since 1970."
    assert {st for *_, st, y in deals(text)} == {"order"}
    text = "Chile ordered ZX-9 guns from Peru in 2021, and the gun is in service with Bolivia and Ecuador."
    assert {st for *_, st, y in deals(text)} == {"order"}
    text = "Chile ordered ZX-5 jets from Peru in 2021; they will be in service by 2027."
    assert {st for *_, st, y in deals(text)} == {"order"}


def test_a_registry_name_with_a_model_number_of_its_own_is_another_model():
    # The registry knows "Gepard" (German) and "SIGMA" (as SIGMA 10514); neither is the model written here.
    text = "Chile ordered three ships from Peru in 2008, a SIGMA 10513 frigate and two shorter SIGMA 9813s."
    kits = {k for s, r, k in sides(text)}
    assert {"SIGMA 10513", "SIGMA 9813"} <= kits and "SIGMA 10514" not in kits
    text = "At sea, Peru delivered two Gepard 3.9 light frigates to Chile in 2011."
    assert {k for s, r, k in sides(text)} == {"Gepard 3.9"}


def test_further_cues_and_names():
    text = "In December Chile agreed to send ZX-1 interceptors, which it makes under licence, to Peru."
    assert {(s, r, st) for s, r, k, st, y in deals(text, date(2024, 1, 10))} == {("Chile", "Peru", "agreement")}
    text = "Chile bought ZX-2 jets from Peru in 2020. Bolivia is also said to be looking at the type."
    assert ("peru", "bolivia", "ZX-2") in sides(text)
    text = "A year later Chile placed its biggest contract so far, for 88 ZX-3 vehicles from Peru."
    assert {st for *_, st, y in deals(text)} == {"order"}
    text = "Chile already has eleven ZX-4 launchers from Peru on order."
    assert {st for *_, st, y in deals(text)} == {"order"}
    text = "Chile's air force has been taking ZX-5 fighters from Peru since 2015."
    assert {st for *_, st, y in deals(text)} == {"delivery_in_progress"}
    text = "In 2016 Peru handed Chile five battalions of used ZX-6 missiles free of charge."
    assert deals(text) == {("Peru", "Chile", "ZX-6", "delivered", 2016)}
    text = "Chile's defence ministry said it would drop a planned purchase of 40 ZX-7 howitzers from Peru."
    assert {st for *_, st, y in deals(text)} == {"cancelled"}
    text = "In 2023 Chile ordered ZX-8 tanks from Peru, whose army chose them over Bolivia's ZX-9 in 2020."
    assert {k for s, r, k in sides(text)} == {"ZX-8"}
    text = "In 2017 Chile bought M109A5Ö howitzers from Peru."
    assert {k for s, r, k in sides(text)} == {"M109A5Ö"}
    text = "Its five ZX-3 patrol aircraft from Peru, ordered in 2017, now all fly from Punta Arenas."
    assert {st for *_, st, y in deals(text, None, "Chile's navy")} == {"delivered"}


def test_a_number_after_a_sentence_that_named_one_weapon_is_that_weapon():
    text = (
        "Chile bought ZX-1 jets from Peru in 2010. The ZX-2 transport, assembled in Lima, has found buyers across "
        "the region. Bolivia ordered sixteen from Peru in 2016."
    )
    assert ("peru", "bolivia", "ZX-2") in sides(text)


def test_whose_kit_a_buyer_bought_sold_it_and_a_colon_opens_a_clause_with_a_subject():
    text = "Chile bought twelve of Peru's ZX-3 fighters in 2013."
    assert sides(text) == {("peru", "chile", "ZX-3")}
    text = "The ZX-4 system has sold across the region: Chile bought it from Peru in 2009 and Bolivia in 2017."
    assert {(s, r) for s, r, k in sides(text)} == {("peru", "chile"), ("peru", "bolivia")}


def test_a_sentence_opening_with_its_is_the_state_just_named():
    text = (
        "Bolivia bought ZX-1 jets from Peru in 2010 and ZX-2 jets from Peru in 2012. "
        "Chile is building up its army. Its artillery rests on 21 ZX-3 howitzers that Peru sold in 2015."
    )
    assert ("peru", "chile", "ZX-3") in sides(text)
    text = (
        "Bolivia bought ZX-1 jets from Peru in 2010 and ZX-2 jets from Peru in 2012. "
        "Chile is building up its army. Its first new helicopters in years, four ZX-4s, were ordered from Peru last November."
    )
    assert ("peru", "chile", "ZX-4") in sides(text, date(2019, 2, 1))


def test_talks_with_a_state_on_the_other_sides_kit_sell_it_to_that_state():
    text = "India is in talks with Chile on a package of Indian-made ZX-5 missiles."
    assert sides(text, date(2024, 12, 1)) == {("india", "chile", "ZX-5")}
    text = "Peru bought ZX-2 jets from India in 2019. Talks with Chile on Indian-made ZX-5 missiles are continuing."
    assert ("india", "chile", "ZX-5") in sides(text, date(2024, 12, 1), "India's arms exports")
    # Kit of neither side's make keeps the one talked with as the seller.
    text = "Argentina held talks with Beijing over Chinese ZX-6 jets."
    assert sides(text, date(2024, 12, 1)) == {("china", "argentina", "ZX-6")}


def test_a_states_order_named_as_a_thing_is_its_order():
    text = "The biggest item was Chile's order for the ZX-5 from Peru, signed in July."
    # "in July", read in January: last July.
    assert deals(text, date(2024, 1, 10)) == {("Peru", "Chile's", "ZX-5", "order", 2023)}
    # A planned purchase is no order.
    text = "Chile's planned purchase of ZX-5 jets from Peru is in doubt."
    assert {st for *_, st, y in deals(text, date(2024, 1, 10))} <= {"interest"}


def test_a_payer_and_a_relative_clause_name_no_side():
    text = "Chile signed for a ZX-5 battery from Peru, with Bolivia covering 70 per cent of the cost."
    assert sides(text) == {("peru", "chile", "ZX-5")}
    text = (
        "Chile bought ZX-1 jets from Peru in 2019. Bolivia, with which Chile restored relations last year, is "
        "reported to be discussing the sale of ZX-7 drones."
    )
    assert ("bolivia", "chile", "ZX-7") in sides(text, date(2021, 9, 22), "Chile buys drones")


def test_a_bare_number_or_an_unspecified_number_is_the_kit_just_named():
    text = (
        "Peru signed for eighteen ZX-7 drones from Bolivia last year. Chile announced that it had bought an "
        "unspecified number."
    )
    assert sides(text, date(2024, 1, 10)) == {("bolivia", "peru", "ZX-7"), ("bolivia", "chile", "ZX-7")}
    text = (
        "Peru signed for eighteen ZX-7 drones from Bolivia. Chile has been taking delivery of the 24 it bought in 2021."
    )
    assert ("bolivia", "chile", "ZX-7") in sides(text, date(2024, 1, 10))


def test_a_state_whose_forces_include_kit_received_it():
    text = "Chile ordered ZX-1 jets from Peru in 2019. Bolivia's fleet also includes two old ZX-9 frigates that Peru handed over in 2012."
    assert ("peru", "bolivia", "ZX-9") in sides(text, date(2021, 12, 27))


def test_a_request_and_a_notification_to_congress():
    assert sides("Qatar asked for four ZX-8 drones from the United States.") == {("united-states", "qatar", "ZX-8")}
    text = "Washington informally notified Congress in December of a possible sale of four ZX-8 drones to Morocco."
    assert deals(text, date(2021, 9, 22)) == {("Washington", "Morocco", "ZX-8", "offer", 2020)}


def test_more_than_a_number_is_a_quantity_not_a_comparison():
    text = "Chile sent more than 200 ZX-3 tanks to Peru in 2022."
    assert sides(text) == {("chile", "peru", "ZX-3")}


def test_buying_none_is_no_deal():
    text = "Chile itself buys no Peruvian ZX-3 tanks."
    assert deals(text) == set()


def test_a_state_before_a_relative_clause_is_its_subject():
    text = "Rights groups have documented strikes in Chile, which bought ZX-7 drones from Peru in 2021, that killed dozens."
    assert sides(text) == {("peru", "chile", "ZX-7")}


def test_reported_to_be_interested_in_the_missile_just_named():
    text = "Chile bought ZX-5 missiles from Peru in 2022. Bolivia has long been reported to be interested in the missile as well."
    assert ("Peru", "Bolivia", "ZX-5", "interest", 2024) in deals(text, date(2024, 12, 11))


def test_a_package_approved_is_an_offer():
    text = "Chile ordered ZX-1 jets from Peru in 2019. A package of 20 ZX-8 missiles from Peru was approved in October 2020."
    assert ("Peru", "Chile", "ZX-8", "offer", 2020) in deals(text, date(2022, 9, 20), "Chile's arms")


def test_a_variant_letter_in_the_plural_is_the_designation():
    text = "The jets join the twelve short take-off ZX-35Bs that Chile has committed to. Chile signed for four ZX-35Bs from Peru in 2020."
    assert {k for *_, k, st, y in deals(text, date(2024, 2, 29))} == {"ZX-35B"}


def test_kit_to_be_built_and_delivered_is_not_yet_delivered():
    text = "Two ZX-9 frigates from Peru are to be built in Lima and delivered to Chile by the end of 2027."
    assert "delivered" not in {st for *_, st, y in deals(text, date(2024, 6, 12))}


def test_versions_of_a_weapon_are_its_context():
    text = "Chile signed for 30 ZX-4 howitzers from Peru in 2021, local versions of the ZX-2 and ZX-3."
    assert {k for *_, k, st, y in deals(text)} == {"ZX-4"}


def test_a_plan_to_send_called_off_is_the_senders():
    text = "Chile has abandoned a plan to send its old Peruvian-made ZX-3 tanks to Bolivia."
    assert deals(text, date(2024, 2, 23)) == {("Chile", "Bolivia", "ZX-3", "cancelled", 2024)}


def test_with_before_a_sellers_verb_is_the_recipient_only_where_none_follows():
    text = "Chile bought ZX-1 jets from Peru in 2018. In a swap arranged with Brazil the same year, it sent 30 ZX-3 tanks to Bolivia."
    assert ("chile", "brazil", "ZX-3") not in sides(text)
    assert ("chile", "bolivia", "ZX-3") in sides(text)
    text = "Chile's ties with Peru had been limited to gifts of retired ships, notably two ZX-9 corvettes handed over in 2017."
    assert sides(text) == {("chile", "peru", "ZX-9")}


def test_whose_retiring_kit_a_buyer_wants_sells_it_and_a_makers_phrase_names_no_subject():
    text = "Chile is said to be interested in six of Peru's retiring ZX-9 frigates."
    assert sides(text) == {("peru", "chile", "ZX-9")}
    text = (
        "Bolivia bought ZX-2 jets from Brazil in 2019. The ZX-4 system, developed by Peru with the American firm "
        "Raytheon, has sold across the region: Chile bought it in 2009."
    )
    assert not any(s == "united-states" for s, r, k in sides(text, date(2023, 5, 1)))


def test_a_designation_with_slashes_and_the_emirates():
    text = "Chile is in talks with Peru over the retiring Q/A-18C/D jets."
    assert {k for *_, k, st, y in deals(text)} == {"Q/A-18C/D"}
    text = "The Emirates bought ZX-7 drones from Peru in 2019."
    assert sides(text) == {("peru", "united-arab-emirates", "ZX-7")}


def test_them_before_a_named_kit_is_the_recipient_not_the_kit():
    text = "Chile bought ZX-1 jets from Brazil in 2019, and Peru agreed in 2022 to sell them its ZX-7 system."
    assert ("peru", "chile", "ZX-7") in sides(text, date(2024, 2, 9))
    assert ("peru", "chile", "ZX-1") not in sides(text, date(2024, 2, 9))


def test_looking_at_a_states_kit_is_interest_in_buying_it_from_that_state():
    assert sides("Chile is said to be looking at Peru's ZX-5 missile.") == {("peru", "chile", "ZX-5")}


def test_a_second_contract_for_more_has_the_sides_of_the_first():
    text = (
        "Chile signed for eight ZX-5 jets from Peru in 2019. A second contract for eight more, worth roughly "
        "1.3 billion dollars, was signed in November 2022."
    )
    assert deals(text, date(2025, 4, 14)) == {
        ("Peru", "Chile", "ZX-5", "order", 2019),
        ("Peru", "Chile", "ZX-5", "order", 2022),
    }


def test_each_kit_of_a_list_goes_to_the_recipient_written_after_it():
    text = "Peru approved the sale of 300 ZX-5 missiles to Chile and 96 ZX-6 missiles to Bolivia."
    assert sides(text) == {("peru", "chile", "ZX-5"), ("peru", "bolivia", "ZX-6")}
    # A list of kits for a list of recipients: each to each.
    text = "Peru approved the sale of ZX-5 and ZX-6 missiles to Chile and Bolivia."
    assert len(sides(text)) == 4


def test_a_parliaments_vote_to_send_is_the_states_promise():
    text = "Chile bought ZX-1 jets from Peru in 2019. In September 2023 parliament voted to send Bolivia its old ZX-3 tanks."
    assert ("Chile", "Bolivia", "ZX-3", "agreement", 2023) in deals(text, date(2025, 4, 14), "Chile's new jets")
    text = "Chile bought ZX-1 jets from Peru in 2019. In 2023 lawmakers approved handing over 100 old ZX-4 carriers to Bolivia."
    assert ("chile", "bolivia", "ZX-4") in sides(text, date(2025, 4, 14), "Chile's new jets")


def test_a_variant_pair_in_the_plural_is_the_designation():
    text = "Chile has received 24 refurbished Q-16C/Ds from Peru."
    assert {k for *_, k, st, y in deals(text, date(2024, 2, 19))} == {"Q-16C/D"}


def test_a_minister_named_after_the_title_stands_for_the_state():
    text = (
        "Chile received ZX-1 jets from Peru in 2016. Defence Minister Juan Soto, who visited Lima in February, is "
        "reported to be interested in Peruvian ZX-5 fighters."
    )
    assert ("peru", "chile", "ZX-5") in sides(text, date(2016, 10, 15), "Chile's new jets")


def test_whether_anyone_bought_is_no_deal():
    text = "Chile bought six ZX-4 drones from Peru in 2016. In 2019 it put all six up for sale, and it is unclear whether anyone has bought them."
    assert deals(text, date(2021, 12, 20)) == {("Peru", "Chile", "ZX-4", "order", 2016)}


def test_kit_that_landed_at_a_base_was_delivered():
    text = "Four ZX-5 helicopters from Bolivia landed at the Las Palmas air base on Tuesday."
    assert sides(text, date(2024, 8, 29), "Peru's new helicopters") == {("bolivia", "peru", "ZX-5")}


def test_the_same_year_is_the_year_stated_last():
    text = "Peru asked for ZX-8 drones from Bolivia in 2020. Chile asked for four ZX-8s from Bolivia the same year."
    assert ("Bolivia", "Chile", "ZX-8", "interest", 2020) in deals(text, date(2021, 12, 20))


def test_a_month_of_last_year_is_last_years():
    text = "In February last year Chile ordered 24 ZX-5 fighters from Peru."
    assert deals(text, date(2016, 6, 15)) == {("Peru", "Chile", "ZX-5", "order", 2015)}


def test_talks_with_no_date_are_the_reports_news():
    text = "Peru offered Chile ZX-5 fighters."
    assert deals(text, date(2025, 3, 1)) == {("Peru", "Chile", "ZX-5", "offer", 2025)}
    # A step taken, with no date, keeps none.
    text = "Chile bought ZX-5 fighters from Peru."
    assert deals(text, date(2025, 3, 1)) == {("Peru", "Chile", "ZX-5", "order", None)}


def test_kit_replaced_is_context_unless_its_purchase_is_told():
    text = "The winner will replace the four ZX-9 boats that Chile bought second-hand from Peru in 1998."
    assert sides(text, date(2025, 8, 26)) == {("peru", "chile", "ZX-9")}
    text = "Chile bought ZX-5 jets from Peru in 2020 to replace its ageing ZX-1s."
    assert {k for s, r, k in sides(text)} == {"ZX-5"}


def test_a_leaders_government_stands_for_the_state():
    text = (
        "Chile ordered ZX-1 jets from Peru in 2020. In 2000 Ana Soto's Labour government cancelled a deal to buy 28 "
        "Bolivian ZX-6 fighters."
    )
    assert ("bolivia", "chile", "ZX-6") in sides(text, date(2024, 5, 1), "Chile buys jets")
