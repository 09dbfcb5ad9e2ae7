#!/usr/bin/env python3
"""tables_check.py — the XLSX writer (src/out/xlsx.c) read back with openpyxl.

Usage: tables_check.py TEST_TABLES_EXE. Runs `TEST_TABLES_EXE --write-xlsx PATH` (the fixture of
tests/unit/test_tables.c), then opens the workbook and checks every cell's value and type, the
bold and frozen header, the number formats (money, dates dd/mm/yyyy, percentages) and that the
columns have widths.
"""
import datetime
import os
import subprocess
import sys
import tempfile

import openpyxl

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def main():
    exe = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fixture.xlsx")
        subprocess.run([exe, "--write-xlsx", path], check=True)
        wb = openpyxl.load_workbook(path)
        check(wb.sheetnames == ["Semestre", "Vide", "Dates"], f"sheets {wb.sheetnames}")
        ws = wb["Semestre"]
        check(ws.freeze_panes == "A2", f"freeze_panes {ws.freeze_panes}")
        headers = ["Nom", "Actes", "Montant dû", "Date de décision", "Taux"]
        rows = [
            ["Élodie « Dupont »", 3, 25.0, datetime.datetime(2026, 12, 31), 1 / 3],
            ["a;b", -12, -0.05, datetime.datetime(2026, 6, 30), "non calculable"],
            ['dit "oui"\nsuite', 0, 1234.56, datetime.datetime(2026, 1, 1), 1.0],
            [None, None, None, None, None],
        ]
        check(ws.max_row == 4 or ws.max_row == 5, f"max_row {ws.max_row}")
        check(ws.max_column == 5, f"max_column {ws.max_column}")
        for c, h in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=c)
            check(cell.value == h, f"header {c}: {cell.value!r}")
            check(cell.font.b, f"header {c} not bold")
            letter = openpyxl.utils.get_column_letter(c)
            width = ws.column_dimensions[letter].width
            check(width is not None and 10 <= width <= 62, f"column {letter} width {width}")
        for r, want_row in enumerate(rows, start=2):
            for c, want in enumerate(want_row, start=1):
                cell = ws.cell(row=r, column=c)
                got = cell.value
                where = f"{cell.coordinate}"
                if want is None:
                    check(got is None, f"{where}: {got!r} instead of empty")
                    continue
                check(not cell.font.b, f"{where} bold")
                if isinstance(want, str):
                    check(cell.data_type == "s" and got == want, f"{where}: {got!r} != {want!r}")
                elif isinstance(want, datetime.datetime):
                    check(isinstance(got, datetime.datetime) and got == want,
                          f"{where}: {got!r} != {want!r}")
                    check(cell.number_format == "dd/mm/yyyy",
                          f"{where} format {cell.number_format!r}")
                elif c == 2:
                    check(type(got) is int and got == want, f"{where}: {got!r} != {want!r}")
                    check(cell.number_format == "General", f"{where} format {cell.number_format!r}")
                elif c == 3:
                    check(isinstance(got, (int, float)) and abs(got - want) < 1e-9,
                          f"{where}: {got!r} != {want!r}")
                    check(cell.number_format == '#,##0.00 "€"',
                          f"{where} format {cell.number_format!r}")
                elif c == 5:
                    check(isinstance(got, (int, float)) and abs(got - want) < 1e-12,
                          f"{where}: {got!r} != {want!r}")
                    check(cell.number_format == "0.0%", f"{where} format {cell.number_format!r}")
        # the widest text sets its column's width: "Élodie « Dupont »" is 17 characters
        check(ws.column_dimensions["A"].width >= 17, "column A narrower than its text")
        vide = wb["Vide"]
        check(vide.cell(row=1, column=1).value == "Rien", "sheet Vide: header")
        check(vide.freeze_panes == "A2", f"sheet Vide: freeze_panes {vide.freeze_panes}")
        dates = wb["Dates"]
        for r, want in enumerate([(1900, 1, 1), (1900, 2, 28), (1900, 3, 1), (2026, 7, 1),
                                  (2199, 12, 31)], start=2):
            cell = dates.cell(row=r, column=1)
            check(cell.value == datetime.datetime(*want), f"Dates!{cell.coordinate}: {cell.value!r}")
            check(cell.number_format == "dd/mm/yyyy", f"Dates!{cell.coordinate} format")
    if failures:
        for f in failures:
            print("ÉCHEC :", f)
        return 1
    print("XLSX relu : toutes les cellules conformes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
