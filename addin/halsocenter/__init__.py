"""Hälsocenter: the workbook engine behind the Excel add-in and the `halsocenter` command."""

__version__ = "0.1.0"
