"""Recalculate workbooks in a headless LibreOffice, driven over UNO (run by LibreOffice's Python).

Started by :mod:`lo_calc` as ``python3 lo_worker.py PROFILE_URL [EXTENSION.oxt]``: it
starts ``soffice --headless`` with that throwaway profile, installs the extension
into it (for this profile only; ``unopkg`` refuses to when run as root), then answers one JSON request per line on stdin with one JSON line
on stdout:

- ``{"cmd": "recalc", "path": "...xlsx", "save_as": null}``: load the file hidden,
  ``calculateAll()`` (every formula, whatever the cached values say), and return for
  every sheet the used area's values (numbers, text, ``{"error": code}`` for an error
  value) and formulas, with the load and calculation times; ``save_as`` also stores
  the recalculated workbook (xlsx or pdf, by extension).
- ``{"cmd": "describe", "prefix": "KENT_"}``: the function wizard's name, category,
  description and arguments of each function whose name starts with the prefix.
- ``{"cmd": "render", "path": "...xlsx", "shots": [{"sheet", "range", "pdf"}]}``: load,
  recalculate, and export each sheet range alone as a PDF (the README's pictures).
- ``{"cmd": "quit"}``.

This file imports only ``uno``: it runs in LibreOffice's Python, not the project's.
"""

import json
import os
import subprocess
import sys
import time
import uuid

import uno
import unohelper
from com.sun.star.beans import PropertyValue
from com.sun.star.task import XInteractionHandler
from com.sun.star.ucb import XCommandEnvironment, XProgressHandler

FILTERS = {".xlsx": "Calc Office Open XML", ".pdf": "calc_pdf_Export", ".ods": "calc8"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start(profile_url):
    pipe = f"xlkent-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation={profile_url}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.monotonic() > deadline or office.poll() is not None:
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return office, ctx, desktop


class _Approve(unohelper.Base, XInteractionHandler):
    """Answer the extension manager's questions (e.g. replace an older version) with yes."""

    def handle(self, request):
        approve = uno.getTypeByName("com.sun.star.task.XInteractionApprove")
        for choice in request.getContinuations():
            if choice.queryInterface(approve):
                choice.select()
                return


class _Quiet(unohelper.Base, XProgressHandler):
    def push(self, status):
        pass

    def update(self, status):
        pass

    def pop(self):
        pass


class _Environment(unohelper.Base, XCommandEnvironment):
    def getInteractionHandler(self):
        return _Approve()

    def getProgressHandler(self):
        return _Quiet()


def install_extension(ctx, oxt_path):
    """Add the extension to this profile through the ExtensionManager (unopkg refuses root)."""
    manager = ctx.getValueByName("/singletons/com.sun.star.deployment.ExtensionManager")
    url = uno.systemPathToFileUrl(os.path.abspath(oxt_path))
    manager.addExtension(url, (), "user", None, _Environment())


def sheet_contents(sheet):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    rng = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
    data = rng.getDataArray()
    values = []
    for r, row in enumerate(data):
        out = []
        for c, v in enumerate(row):
            if v is None:
                out.append({"error": rng.getCellByPosition(c, r).getError()})
            else:
                out.append(v)
        values.append(out)
    return {"values": values, "formulas": [list(row) for row in rng.getFormulaArray()]}


def recalc(desktop, path, save_as=None):
    t0 = time.perf_counter()
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                       (prop("Hidden", True),))
    t1 = time.perf_counter()
    try:
        doc.calculateAll()
        t2 = time.perf_counter()
        sheets = {}
        for i in range(doc.Sheets.getCount()):
            sheet = doc.Sheets.getByIndex(i)
            sheets[sheet.getName()] = sheet_contents(sheet)
        if save_as:
            ext = os.path.splitext(save_as)[1].lower()
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(save_as)), (prop("FilterName", FILTERS[ext]),))
        return {"sheets": sheets, "load_seconds": t1 - t0, "calc_seconds": t2 - t1}
    finally:
        doc.close(True)


def render(desktop, path, shots):
    """Recalculate ``path`` and export each shot (a sheet's cell range) as a one-range PDF."""
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                       (prop("Hidden", True),))
    try:
        doc.calculateAll()
        for shot in shots:
            selection = doc.Sheets.getByName(shot["sheet"]).getCellRangeByName(shot["range"])
            filter_data = uno.Any("[]com.sun.star.beans.PropertyValue",
                                  (prop("Selection", selection), prop("ExportNotes", False),
                                   prop("ExportNotesInMargin", False)))
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(shot["pdf"])),
                           (prop("FilterName", "calc_pdf_Export"), prop("FilterData", filter_data)))
        return {"rendered": [shot["pdf"] for shot in shots]}
    finally:
        doc.close(True)


def describe(ctx, prefix):
    """What Calc's function wizard shows for each function whose name starts with ``prefix``."""
    descriptions = ctx.ServiceManager.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", ctx)
    found = []
    for i in range(descriptions.getCount()):
        props = {p.Name: p.Value for p in descriptions.getByIndex(i)}
        if str(props.get("Name", "")).upper().startswith(prefix):
            found.append({
                "name": props["Name"],
                "category": props.get("Category"),
                "description": props.get("Description"),
                "arguments": [{"name": a.Name, "description": a.Description, "optional": a.IsOptional}
                              for a in props.get("Arguments", ())],
            })
    return {"functions": found}


def main():
    office, ctx, desktop = start(sys.argv[1])
    if len(sys.argv) > 2:
        install_extension(ctx, sys.argv[2])
    print(json.dumps({"ready": True}), flush=True)
    try:
        for line in sys.stdin:
            request = json.loads(line)
            if request["cmd"] == "quit":
                break
            try:
                if request["cmd"] == "describe":
                    answer = describe(ctx, request["prefix"])
                elif request["cmd"] == "render":
                    answer = render(desktop, request["path"], request["shots"])
                else:
                    answer = recalc(desktop, request["path"], request.get("save_as"))
            except Exception as exc:
                answer = {"failed": repr(exc)}
            print(json.dumps(answer), flush=True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
