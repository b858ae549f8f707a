"""Workbook-writing benchmark for issue 13: a 60,000-row x 10-column case list (text, dates,
a count, Ja/Nej answers) with a few formats, header fill, title, autofilter, freeze panes,
print set-up, a conditional format, an internal link and a chart, written by each writer in a
fresh process; cells per second of wall time and per CPU second (the fair figure on a shared
machine).

    python benchmarks/xlsx_writers.py [--rounds 3]

Writers: xlsxwriter in constant_memory mode, one typed write per cell with its format (what
sagstid/report does today: ``xlsxwriter-cm-cell``); the same in memory (``-mem-cell``); column
formats by set_column and write_row (``-cm-row``); column formats and the private typed writers
``_write_string``/``_write_number`` (``-cm-private``, not a public API); rustpy-xlsxwriter
(``rustpy``: a DataFrame per sheet) and pyexcelerate, when installed.
"""

import json, os, resource, statistics, subprocess, sys, tempfile, time
import numpy as np, pandas as pd

WRITERS = ("xlsxwriter-cm-cell", "xlsxwriter-mem-cell", "xlsxwriter-cm-row", "xlsxwriter-cm-private",
           "rustpy", "pyexcelerate")
if sys.argv[1:2] != ["--one"]:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    runs: dict[str, list[str]] = {w: [] for w in WRITERS}
    for _ in range(rounds):
        for writer in WRITERS:
            done = subprocess.run([sys.executable, __file__, "--one", writer], capture_output=True, text=True)
            runs[writer].append(done.stdout.strip() if done.returncode == 0 else "")
    print(f"60,000 rows x 10 columns, median of {rounds}")
    for writer, lines in runs.items():
        good = [json.loads(line) for line in lines if line]
        if not good:
            print(f"  {writer:<22} not installed or failed")
            continue
        med = {k: statistics.median(g[k] for g in good) for k in good[0] if k != "writer"}
        print(f"  {writer:<22} {med['cells_per_wall_s']:>9,.0f} cells/s wall  {med['cells_per_cpu_s']:>9,.0f} cells/CPU-s"
              f"  (cells {med['cells_s']:.2f} s, save {med['save_s']:.2f} s)  peak RSS {med['peak_mb']:.0f} MB")
    sys.exit()
N, WHO = 60_000, (sys.argv[2] if sys.argv[1:2] == ["--one"] else "")
rng = np.random.default_rng(1)
base = np.datetime64("2025-01-01")
received = base + rng.integers(0, 365, N).astype("timedelta64[D]")
deadline = received + rng.integers(5, 60, N).astype("timedelta64[D]")
decided = deadline + rng.integers(1, 90, N).astype("timedelta64[D]")
notice = np.where(rng.random(N) < 0.4, received + 3, np.datetime64("NaT"))
frame = pd.DataFrame({
    "Sagsnummer": [f"S-2025-{i:07d}" for i in range(N)],
    "Sagsområde": rng.choice(["KH-ANS", "SDP-RET", "BEFORD", "UH-ANS", "LED-YD"], N),
    "Modtaget": received, "Frist": deadline, "Afgjort": decided,
    "Dage over": (decided - deadline).astype(int),
    "Underretning": np.where(np.isnat(notice), "Nej", "Ja"),
    "Rettidig": np.where(rng.random(N) < 0.5, "Ja", "Nej"),
    "Underrettet": notice,
    "Enhed": rng.choice(["Jobcenter Nord", "Jobcenter Syd", "Ydelsesservice"], N),
})
KINDS = ["text", "text", "date", "date", "date", "int", "text", "text", "date", "text"]
EPOCH = np.datetime64("1899-12-30", "D")
def serials(col):
    d = frame[col].to_numpy().astype("datetime64[D]")
    out = (d - EPOCH).astype(np.int64).astype(float).astype(object)
    out[np.isnat(d)] = None
    return out.tolist()
def lists():
    return [frame[c].tolist() if k != "date" else serials(c) for c, k in zip(frame.columns, KINDS)]
out = os.environ.get("XLSX_OUT") or os.path.join(tempfile.mkdtemp(), "t.xlsx")
cells = N * 10
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
c0 = cpu()
t0 = time.perf_counter()

def xlsx_common(wb, ws, last):
    ws.autofilter(2, 0, last, 9); ws.freeze_panes(3, 1)
    ws.set_landscape(); ws.repeat_rows(2); ws.fit_to_pages(1, 0); ws.set_paper(9)
    ws.conditional_format(3, 5, last, 5, {"type": "cell", "criteria": ">", "value": 30,
                          "format": wb.add_format({"bg_color": "#FFC7CE"})})
    ws.write_url(0, 5, "internal:'Oversigt'!A1", string="Til oversigten")
    ch = wb.add_chart({"type": "line"}); ch.add_series({"values": ["Liste", 3, 5, 50, 5]})
    ws.insert_chart(0, 12, ch)

if WHO.startswith("xlsxwriter"):
    import xlsxwriter
    mode = {"constant_memory": True} if "cm" in WHO else {"in_memory": True}
    wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False, **mode})
    wb.add_worksheet("Oversigt")
    ws = wb.add_worksheet("Liste")
    text_f = wb.add_format({"valign": "top"}); date_f = wb.add_format({"num_format": "dd-mm-yyyy", "valign": "top"})
    int_f = wb.add_format({"num_format": "#,##0", "valign": "top"})
    fmts = [{"text": text_f, "date": date_f, "int": int_f}[k] for k in KINDS]
    ws.write_string(0, 0, "Overskredne frister", wb.add_format({"bold": True}))
    ws.write_row(2, 0, list(frame.columns), wb.add_format({"bold": True, "bg_color": "#DDEBF7"}))
    cols = lists()
    t_prep = time.perf_counter()
    if WHO.endswith("-cell"):   # today's way: one typed write per cell with its format
        ws_s, ws_n = ws.write_string, ws.write_number
        for r, (a, b, c, d, e, f, g, h, i, j) in enumerate(zip(*cols), start=3):
            ws_s(r, 0, a, text_f); ws_s(r, 1, b, text_f); ws_n(r, 2, c, date_f); ws_n(r, 3, d, date_f)
            ws_n(r, 4, e, date_f); ws_n(r, 5, f, int_f); ws_s(r, 6, g, text_f); ws_s(r, 7, h, text_f)
            if i is not None: ws_n(r, 8, i, date_f)
            ws_s(r, 9, j, text_f)
    elif WHO.endswith("-row"):  # column formats (set_column) + write_row without formats
        for c, f in enumerate(fmts): ws.set_column(c, c, 14, f)
        wr = ws.write_row
        for r, row in enumerate(zip(*cols), start=3):
            wr(r, 0, row)
    elif WHO.endswith("-private"):  # column formats + the private typed writers (no dispatch)
        for c, f in enumerate(fmts): ws.set_column(c, c, 14, f)
        ws_s, ws_n = ws._write_string, ws._write_number
        for r, (a, b, c, d, e, f, g, h, i, j) in enumerate(zip(*cols), start=3):
            ws_s(r, 0, a); ws_s(r, 1, b); ws_n(r, 2, c); ws_n(r, 3, d)
            ws_n(r, 4, e); ws_n(r, 5, f); ws_s(r, 6, g); ws_s(r, 7, h)
            if i is not None: ws_n(r, 8, i)
            ws_s(r, 9, j)
    last = 2 + N
    xlsx_common(wb, ws, last)
    t_write = time.perf_counter()
    wb.close()
elif WHO == "rustpy":
    import rustpy_xlsxwriter as rx
    F = rx.Format
    text_f = F().set_align("top"); date_f = F().set_num_format("dd-mm-yyyy").set_align("top")
    int_f = F().set_num_format("#,##0").set_align("top")
    fmts = [{"text": text_f, "date": date_f, "int": int_f}[k] for k in KINDS]
    df = frame.copy()
    t_prep = time.perf_counter()
    rx.write_worksheet(df, out, sheet_name="Liste", header_row=2, freeze_row=3, freeze_col=1,
                       column_formats=fmts, column_widths=[14] * 10, autofilter=True,
                       datetime_format="dd-mm-yyyy",
                       header_format=F().set_bold().set_background_color("#DDEBF7"),
                       merge_ranges=[(0, 0, 0, 4, "Overskredne frister", F().set_bold())],
                       page_setup={"landscape": True, "repeat_rows": (2, 2), "fit_to_pages": (1, 0), "paper_size": 9},
                       conditional_formats={"Dage over": {"type": "cell", "criteria": ">", "value": 30,
                                                          "format": F().set_background_color("#FFC7CE")}})
    t_write = time.perf_counter()
elif WHO == "pyexcelerate":
    from pyexcelerate import Workbook, Style, Format, Font, Fill, Color, Panes
    wb = Workbook()
    cols = lists()
    rows = [["Overskredne frister"], [], list(frame.columns)] + [list(r) for r in zip(*cols)]
    t_prep = time.perf_counter()
    ws = wb.new_sheet("Liste", data=rows)
    date_s = Style(format=Format("dd-mm-yyyy")); int_s = Style(format=Format("#,##0"))
    for c, k in enumerate(KINDS, start=1):
        if k == "date": ws.set_col_style(c, date_s)
        if k == "int": ws.set_col_style(c, int_s)
    ws.set_row_style(3, Style(font=Font(bold=True), fill=Fill(background=Color(221, 235, 247))))
    ws.panes = Panes(1, 3)
    t_write = time.perf_counter()
    wb.save(out)
t1 = time.perf_counter()
c1 = cpu()
print(json.dumps({"writer": WHO, "cells_per_wall_s": cells / (t1 - t0), "cells_per_cpu_s": cells / (c1 - c0),
                  "cells_s": t_write - t_prep, "save_s": t1 - t_write,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
