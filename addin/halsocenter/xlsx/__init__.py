"""Workbook files: reading an input without trusting it (bounded, hardened), typed tables, the package
writer that adds generated sheets, the house style, the template, upgrade and rollover. Imports the core."""
