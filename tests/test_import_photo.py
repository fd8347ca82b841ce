"""`cfsi-reports import`: the photo's credit and alternative text come back from a sheet.

The sheets are edited as Word saves them (python-docx writes the same XML: the picture's
`wp:docPr/@descr`, paragraphs in the style Caption) and as LibreOffice saves them (a Basic
macro run by `soffice --headless` in a private profile, the UI's Properties > Options >
Description). What comes back is checked in the YAML and in the brochure built from it.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from docx.text.paragraph import Paragraph
from lxml import etree
from PIL import Image

from cfsi_reports.content import load_content
from conftest import CONTENT, require_tool, run_tool, squash
from helpers.pdf import read_tree
from test_import import cli, edit, lines, paragraphs, set_text

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
ALT = "Des régimes de bananes sur le quai d'un port"  # ' is ’ in the sheet
PHOTO = f"""photo:
  file: photos/quai.png  # prise au port de Puerto Barrios
  alt: {ALT}
  credit: "Banana Link : archives"
"""
CREDIT = "Photo : Banana Link : archives"  # the sheet's caption, typography aside


ACTION = "actions/03-banane.yaml"  # the action given a photo


def write_import(content: Path, sheet: Path) -> Any:
    """Run `import --write` on a sheet, which must succeed; return the result."""
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 0, result.output
    return result


def content_copy(root: Path, photo: str = PHOTO) -> Path:
    """Copy the seed content into `root` and give the banana action a photo."""
    shutil.copytree(CONTENT, root)
    (root / "photos").mkdir()
    Image.new("RGB", (1200, 800), (0, 96, 107)).save(root / "photos/quai.png")
    target = root / ACTION
    target.write_text(target.read_text(encoding="utf-8") + photo, encoding="utf-8")
    return root


def build_sheet(content: Path, out: Path) -> Path:
    result = cli("build", "--content", content, "--output", out, "--format", "docx",
                 "--only", "banane", "-j", "1")  # fmt: skip
    assert result.exit_code == 0, result.output
    return out / "fact-sheets/banane.docx"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The banana sheet with its photo, built once: read-only for the tests."""
    root = tmp_path_factory.mktemp("photo")
    return build_sheet(content_copy(root / "content"), root / "out")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """The same content, for a test to write to."""
    return content_copy(tmp_path / "content")


def figure(document) -> Paragraph:
    """Return the paragraph holding the photo."""
    return next(p for p in paragraphs(document) if p.style.name == "Figure")


def picture(document):
    """Return the photo's `wp:docPr`: what Word's « Edit Alt Text » writes to."""
    return next(figure(document)._p.iter(f"{WP}docPr"))


def captions(document) -> list[Paragraph]:
    return [p for p in paragraphs(document) if p.style.name == "Caption"]


def photo_lines(path: Path) -> list[str]:
    text = lines(path)
    return text[text.index("photo:") :]


def brochure(content: Path, out: Path) -> tuple[str, list[str]]:
    """Build the brochures; return the screen one's text and its figures' alternative texts."""
    result = cli("build", "--content", content, "--output", out, "--format", "pdf", "-j", "1")
    assert result.exit_code == 0, result.output
    pdf_path = out / "brochure-screen.pdf"
    text = run_tool(require_tool("pdftotext"), pdf_path, "-")
    with pikepdf.open(pdf_path) as pdf:
        alts = [e.alt for e in read_tree(pdf).find("Figure") if e.alt]
    return text, alts


# --- unchanged -----------------------------------------------------------------------


def test_an_unedited_photo_sheet_imports_as_no_change(built: Path, content: Path) -> None:
    with zipfile.ZipFile(built) as z:  # what the sheet carries to tell an edit apart
        data = next(z.read(n) for n in z.namelist() if n == "customXml/item1.xml")
    values = json.loads(etree.fromstring(data).text)["values"]
    assert values["photo.alt"] == ALT and values["photo.credit"] == "Banana Link : archives"
    before = lines(content / ACTION)
    result = write_import(content, built)
    assert "no changes" in result.output, result.output
    assert "note" not in result.output and "error" not in result.output, result.output
    assert lines(content / ACTION) == before


# --- edits come back -----------------------------------------------------------------


def word_edit(document) -> None:
    picture(document).set("descr", "Des régimes de bananes vertes sur le quai d'un port")
    set_text(captions(document)[0], "Photo : Banana Link / COLSIBA")


def test_credit_and_alt_text_edited_in_word_come_back_and_reach_the_brochure(
    built: Path, content: Path, tmp_path: Path
) -> None:
    target = content / ACTION
    before = lines(target)
    sheet = edit(built, tmp_path / "retour.docx", word_edit)
    dry = cli("import", "--content", content, sheet)
    assert dry.exit_code == 0, dry.output
    assert (
        "photo › alternative text : « Des régimes de bananes sur le quai d'un port »"
        " → « Des régimes de bananes vertes sur le quai d'un port »" in dry.output
    )
    assert "photo › credit : « Banana Link : archives » → « Banana Link / COLSIBA »" in dry.output
    assert lines(target) == before
    write_import(content, sheet)
    # In place: the comment, the quotes and every other line as they were.
    assert photo_lines(target) == [
        "photo:",
        "  file: photos/quai.png  # prise au port de Puerto Barrios",
        "  alt: Des régimes de bananes vertes sur le quai d'un port",
        '  credit: "Banana Link / COLSIBA"',
    ]
    assert lines(target)[: before.index("photo:")] == before[: before.index("photo:")]
    assert "no changes" in cli("import", "--content", content, sheet).output
    text, alts = brochure(content, tmp_path / "out")
    assert squash("Photo : Banana Link / COLSIBA") in squash(text)
    assert squash("archives") not in squash(text)
    assert "Des régimes de bananes vertes sur le quai d’un port" in alts
    assert not any("Des régimes de bananes sur" in a for a in alts)


MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub EditPhoto(src As String, dst As String, descr As String, caption As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, args())
  REM What Properties &gt; Options &gt; Description sets; the map (an EMF) is left alone.
  For i = 0 To doc.GraphicObjects.Count - 1
    g = doc.GraphicObjects.getByIndex(i)
    If Left(g.Description, 5) &lt;&gt; &quot;Carte&quot; Then
      g.Description = descr
      g.Title = &quot;Titre saisi dans LibreOffice&quot;
    End If
  Next i
  e = doc.Text.createEnumeration()
  Do While e.hasMoreElements()
    p = e.nextElement()
    If p.supportsService(&quot;com.sun.star.text.Paragraph&quot;) Then
      If Left(p.String, 5) = &quot;Photo&quot; Then p.String = caption
    End If
  Loop
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = &quot;FilterName&quot;
  save(0).Value = &quot;MS Word 2007 XML&quot;
  doc.storeToURL(ConvertToURL(dst), save())
  doc.close(True)
End Sub
</script:module>
"""


def libreoffice_edit(sheet: Path, dst: Path, descr: str, caption: str, tmp_path: Path) -> Path:
    """Edit the photo's description and caption in LibreOffice and save as .docx."""
    soffice = require_tool("soffice")
    profile = tmp_path / "lo-photo"
    env = f"-env:UserInstallation=file://{profile}"
    run_tool(soffice, env, "--headless", "--terminate_after_init", timeout=120)
    (profile / "user/basic/Standard/Module1.xba").write_text(MACRO, encoding="utf-8")
    call = f'macro:///Standard.Module1.EditPhoto("{sheet}","{dst}","{descr}","{caption}")'
    run_tool(soffice, env, "--headless", call, timeout=180)
    assert dst.exists(), "LibreOffice wrote no file"
    return dst


def test_credit_and_alt_text_edited_in_libreoffice_come_back(
    built: Path, content: Path, tmp_path: Path
) -> None:
    sheet = libreoffice_edit(built, tmp_path / "lo.docx", "Un quai du port, des bananes",
                             "Photo : COLSIBA", tmp_path)  # fmt: skip
    with zipfile.ZipFile(sheet) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    # What LibreOffice 7.4 writes: the description as descr; the title is not saved at all.
    docprs = [d for d in body.iter(f"{WP}docPr") if not d.get("descr", "").startswith("Carte")]
    assert [d.get("descr") for d in docprs] == ["Un quai du port, des bananes"]
    assert [d.get("title") for d in docprs] == [None]
    result = write_import(content, sheet)
    assert "another picture" not in result.output  # LibreOffice keeps the image's bytes
    assert photo_lines(content / ACTION) == [
        "photo:",
        "  file: photos/quai.png  # prise au port de Puerto Barrios",
        "  alt: Un quai du port, des bananes",
        '  credit: "COLSIBA"',
    ]


# --- edge cases ----------------------------------------------------------------------


def empty_caption(document) -> None:
    set_text(captions(document)[0], "")


def delete_caption(document) -> None:
    p = captions(document)[0]._p
    p.getparent().remove(p)


def prefix_only(document) -> None:
    set_text(captions(document)[0], "Photo :")


@pytest.mark.parametrize("change", [empty_caption, delete_caption, prefix_only])
def test_an_emptied_credit_is_removed_from_the_content(
    built: Path, content: Path, tmp_path: Path, change
) -> None:
    sheet = edit(built, tmp_path / "c.docx", change)
    result = write_import(content, sheet)
    assert "photo › credit : « Banana Link : archives » → (none)" in result.output
    assert photo_lines(content / ACTION) == [
        "photo:",
        "  file: photos/quai.png  # prise au port de Puerto Barrios",
        f"  alt: {ALT}",
    ]
    assert load_content(content).action("banane").photo.credit is None


def test_a_caption_typed_under_a_photo_without_credit_becomes_its_credit(
    tmp_path: Path,
) -> None:
    without_credit = PHOTO.replace('  credit: "Banana Link : archives"\n', "")
    content = content_copy(tmp_path / "content", without_credit)
    sheet = build_sheet(content, tmp_path / "out")

    def type_caption(document) -> None:
        assert not captions(document)
        photo = figure(document)
        new = copy.deepcopy(photo._p)
        for r in new.findall(f"{{{new.nsmap['w']}}}r"):
            new.remove(r)
        photo._p.addnext(new)
        typed = Paragraph(new, photo._parent)
        typed.style = document.styles["Caption"]
        typed.add_run("Photo : Jean-Marc Dupont")

    sheet = edit(sheet, tmp_path / "t.docx", type_caption)
    result = write_import(content, sheet)
    assert "photo › credit : (none) → « Jean-Marc Dupont »" in result.output
    assert photo_lines(content / ACTION)[-1] == "  credit: Jean-Marc Dupont"
    text, _alts = brochure(content, tmp_path / "pdf")
    assert squash("Photo : Jean-Marc Dupont") in squash(text)


def no_descr(document) -> None:
    picture(document).set("descr", "")


def decorative(document) -> None:
    # Word's « Mark as decorative »: the alt text goes, an extension says why.
    docpr = picture(document)
    docpr.set("descr", "")
    ext = etree.SubElement(
        etree.SubElement(docpr, "{http://schemas.openxmlformats.org/drawingml/2006/main}extLst"),
        "{http://schemas.openxmlformats.org/drawingml/2006/main}ext",
        uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}",
    )
    etree.SubElement(
        ext, "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative", val="1"
    )


@pytest.mark.parametrize("change", [no_descr, decorative])
def test_an_emptied_alt_text_is_refused_and_the_old_one_kept(
    built: Path, content: Path, tmp_path: Path, change
) -> None:
    target = content / ACTION
    before = lines(target)

    def both(document) -> None:
        change(document)
        set_text(captions(document)[0], "Photo : COLSIBA")  # an edit that waits with it

    sheet = edit(built, tmp_path / "sans alt.docx", both)
    result = cli("import", "--content", content, "--write", sheet)
    assert result.exit_code == 1, result.output
    assert re.search(r"sans alt\.docx -> \S*/actions/03-banane\.yaml\n", result.output)
    assert (
        "error: photo › alternative text: is empty, but the photo needs it: screen readers read"
        in result.output
    )
    assert f"the content keeps « {ALT} »" in result.output
    assert "Traceback" not in result.output
    assert lines(target) == before


def delete_picture(document) -> None:
    for p in [figure(document), *captions(document)]:
        p._p.getparent().remove(p._p)


def delete_picture_edit_credit(document) -> None:
    photo = figure(document)
    photo._p.getparent().remove(photo._p)
    set_text(captions(document)[0], "Photo : COLSIBA")


def test_a_deleted_picture_leaves_the_photo_with_a_note(
    built: Path, content: Path, tmp_path: Path
) -> None:
    target = content / ACTION
    before = lines(target)
    sheet = edit(built, tmp_path / "d.docx", delete_picture)
    result = write_import(content, sheet)
    assert (
        "note: photo: the picture was deleted from the sheet, but import never changes photos:"
        " actions/03-banane.yaml keeps its photo" in result.output
    )
    assert "no changes" in result.output
    assert lines(target) == before
    assert (content / "photos/quai.png").stat().st_size > 0
    # The credit edited beside the deleted picture still comes back.
    sheet = edit(built, tmp_path / "e.docx", delete_picture_edit_credit)
    result = write_import(content, sheet)
    assert photo_lines(target)[2:] == [f"  alt: {ALT}", '  credit: "COLSIBA"']


def test_a_picture_swapped_in_the_sheet_is_named_not_imported(
    built: Path, content: Path, tmp_path: Path
) -> None:
    """A partner put another picture in place of the photo: import says where it would go."""

    def swap(document) -> None:
        blip = next(figure(document)._p.iter(f"{A}blip"))
        part = document.part.related_parts[blip.get(f"{R}embed")]
        other = io.BytesIO()
        Image.new("RGB", (900, 600), (200, 120, 0)).save(other, "PNG")
        part._blob = other.getvalue()

    target = content / ACTION
    before = lines(target)
    result = write_import(content, edit(built, tmp_path / "s.docx", swap))
    assert (
        "note: photo: the sheet shows another picture than the one it was built with, but import"
        " never changes photos" in " ".join(result.output.split())
    )
    assert "'photo:' 'file:' in actions/03-banane.yaml" in result.output
    assert lines(target) == before


def test_two_caption_paragraphs_are_joined_into_one_credit(
    built: Path, content: Path, tmp_path: Path
) -> None:
    def split(document) -> None:  # Enter pressed inside the credit
        caption = captions(document)[0]
        set_text(caption, "Photo : Banana Link")
        second = copy.deepcopy(caption._p)
        caption._p.addnext(second)
        set_text(Paragraph(second, caption._parent), "et COLSIBA")

    sheet = edit(built, tmp_path / "s.docx", split)
    result = write_import(content, sheet)
    assert (
        "note: photo › credit: 2 paragraphs in the style 'Caption' are read as one credit:"
        " « Photo : Banana Link et COLSIBA »" in result.output.replace("\u00a0", " ")
    )
    assert photo_lines(content / ACTION)[-1] == '  credit: "Banana Link et COLSIBA"'


def test_a_sheet_without_photo_imports_nothing_of_a_typed_caption(tmp_path: Path) -> None:
    content = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    sheet = build_sheet(content, tmp_path / "out")
    before = lines(content / ACTION)

    def type_caption(document) -> None:
        assert not captions(document)
        p = document.add_paragraph("Photo : Jean-Marc Dupont", style="Caption")
        assert p.text

    sheet = edit(sheet, tmp_path / "n.docx", type_caption)
    result = write_import(content, sheet)
    assert "no changes" in result.output
    assert "the sheet shows a picture or a caption but the action has no photo" in result.output
    assert lines(content / ACTION) == before


def test_a_sheet_built_before_photos_were_read_says_so(
    built: Path, content: Path, tmp_path: Path
) -> None:
    old = tmp_path / "ancienne.docx"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(old, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "customXml/item1.xml":  # the snapshot of the previous version
                root = etree.fromstring(data)
                snap = json.loads(root.text)
                del snap["values"]["photo.alt"], snap["values"]["photo.credit"]
                root.text = json.dumps(snap, ensure_ascii=False)
                data = etree.tostring(root, encoding="UTF-8")
            dst.writestr(info, data)
    sheet = edit(old, tmp_path / "ancienne modifiée.docx", word_edit)
    before = lines(content / ACTION)
    result = write_import(content, sheet)
    assert (
        "note: photo: the credit and alternative text are not read from this sheet: it was built"
        " by an earlier version (build it again to import them)" in result.output
    )
    assert lines(content / ACTION) == before
