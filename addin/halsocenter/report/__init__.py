"""The Word report (verksamhetsberättelse + verksamhetsplan) from the docxtpl template. Imports the core,
xlsx and sheets."""
