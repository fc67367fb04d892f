"""The region's side: the export file a hub sends, disclosure control, screening, consolidation, the
county workbook and outliers. Imports the core, xlsx and sheets."""
