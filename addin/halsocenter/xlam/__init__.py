"""Building halsocenter.xlam: the ribbon and a VBA project written from source per [MS-OVBA] and
[MS-CFB]."""
