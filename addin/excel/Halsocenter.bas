Attribute VB_Name = "Halsocenter"
' Ribbon callbacks of the Halsocenter add-in (tab "Hälsocenter").
' Each button hands over to Python through xlwings' RunPython; the Python side
' (halsocenter.excel) does the work and shows its own messages in Swedish.
' This file is stored as UTF-8 in the repository; the build writes it in code page 1252.
Option Explicit

Public Sub HcKontrollera(control As IRibbonControl)
    If HarArbetsbok() Then RunPython "import halsocenter.excel as m; m.kontrollera()"
End Sub

Public Sub HcArssammanstallning(control As IRibbonControl)
    If HarArbetsbok() Then RunPython "import halsocenter.excel as m; m.arssammanstallning()"
End Sub

Public Sub HcRapport(control As IRibbonControl)
    If HarArbetsbok() Then RunPython "import halsocenter.excel as m; m.rapport()"
End Sub

Public Sub HcExportera(control As IRibbonControl)
    If HarArbetsbok() Then RunPython "import halsocenter.excel as m; m.exportera()"
End Sub

Public Sub HcNyttVerksamhetsar(control As IRibbonControl)
    If HarArbetsbok() Then RunPython "import halsocenter.excel as m; m.nytt_verksamhetsar()"
End Sub

Public Sub HcHjalp(control As IRibbonControl)
    If HarArbetsbok() Then RunPython "import halsocenter.excel as m; m.hjalp()"
End Sub

' RunPython works on the active workbook; without one there is nothing to work on.
Private Function HarArbetsbok() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "Öppna din Hälsocenter-arbetsbok först och klicka sedan på knappen igen.", _
               vbInformation, "Hälsocenter"
        HarArbetsbok = False
    Else
        HarArbetsbok = True
    End If
End Function
