"""Live Excel through xlwings: the actions behind the buttons, reading and writing the open workbook,
the desktop host and xlwings Lite. Imports every layer below it; `halsocenter.excel` and
`halsocenter.lite` stay importable by those names."""
