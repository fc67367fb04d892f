"""The generated sheets (Årssammanställning, Kontroll, Rapportdata): pure layouts and the openpyxl
writer. Imports the core and xlsx."""
