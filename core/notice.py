"""Whose data and code these are: the one text the API root and the schema carry, and the docs repeat."""

SIPRI_ATTRIBUTION = "Source: SIPRI Arms Transfers Database (c) SIPRI."

DATA_NOTICE = (
    "Records imported from the SIPRI Arms Transfers Database are SIPRI's data, not Dealgraph's, and SIPRI's terms "
    f'apply to them: credit them as SIPRI\'s own exports do, "{SIPRI_ATTRIBUTION}" Each such deal cites the SIPRI '
    "release it came from. SIPRI revises its whole database every year and asks users to work from its latest "
    "version: https://www.sipri.org/databases/armstransfers. Dealgraph's code is licensed under the Apache License "
    "2.0, which does not cover SIPRI's data."
)
