"""The demo region: Marrow County, on the coast of the (fictional) State of Westmarch.

`manage.py seed_demo` (and so `make run` and the browser tests) loads it so that a first
look at Concord shows a believable community: agencies of every discipline with a
hierarchy, jurisdictions that nest and overlap the way real ones do, one person per role
to sign in as, sharing agreements, thirty incidents shared in different ways, and two run
under unified command. The scenario is data, in `demo/data/`; the modules here only read
it and build everything through the domain apps' verbs, exactly as the demo people would
through the pages, so the demo obeys the same rules as production data. Nothing imports
this package: it sits above the domain apps, and the tests build their own worlds.
"""
