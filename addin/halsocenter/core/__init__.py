"""The core: the workbook contract and everything computed from plain tables -- parsing, checks, statistics,
findings and their Swedish texts, the privacy guard. No files, no Excel; imports nothing above it."""
