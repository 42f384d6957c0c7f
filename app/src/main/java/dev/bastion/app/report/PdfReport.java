package dev.bastion.app.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * A report as PDF, laid out from its Markdown: the signed Markdown body is parsed once with commonmark and its
 * headings, paragraphs, list items and code blocks are set on A4 pages with PDFBox's standard fonts, so the PDF says
 * exactly what the signed text says. Its document information carries the SHA-256 of the Markdown body it was made
 * from ({@code BastionMarkdownSha256}) and the audit checkpoint the report cites ({@code BastionAuditCheckpoint});
 * {@link PadesSigner} then signs the PDF itself. Characters the standard fonts cannot show are
 * printed as {@code ?}.
 */
public final class PdfReport {
    private static final float MARGIN = 56;
    private static final PDRectangle PAGE = PDRectangle.A4;

    private PdfReport() {
    }

    /** One line of output: its font, size, indent and text (already wrapped to the page width). */
    private record Line(PDType1Font font, float size, float indent, String text, float spaceBefore) {
    }

    public static byte[] render(String markdownBody, String title) {
        PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        PDType1Font mono = new PDType1Font(Standard14Fonts.FontName.COURIER);
        List<Line> lines = new ArrayList<>();
        float width = PAGE.getWidth() - 2 * MARGIN;
        Node doc = Parser.builder().build().parse(markdownBody);
        for (Node block = doc.getFirstChild(); block != null; block = block.getNext()) {
            switch (block) {
                case Heading h -> wrap(lines, h.getLevel() == 1 ? bold : bold, h.getLevel() == 1 ? 16 : 12.5f, 0,
                        text(h), width, h.getLevel() == 1 ? 0 : 10);
                case Paragraph p -> wrap(lines, regular, 9.5f, 0, text(p), width, 4);
                case BulletList list -> items(lines, list, regular, width);
                case OrderedList list -> items(lines, list, regular, width);
                case FencedCodeBlock code -> {
                    boolean first = true;
                    for (String l : code.getLiteral().split("\n")) {
                        wrap(lines, mono, 7.5f, 8, l, width, first ? 4 : 0);
                        first = false;
                    }
                }
                default -> wrap(lines, regular, 9.5f, 0, text(block), width, 4);
            }
        }
        try (PDDocument pdf = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            layOut(pdf, lines, regular);
            PDDocumentInformation info = pdf.getDocumentInformation();
            info.setTitle(title);
            info.setCreator("bastion report");
            info.setCustomMetadataValue("BastionMarkdownSha256", RedteamFacts.sha256(
                    markdownBody.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            info.setCustomMetadataValue("BastionAuditCheckpoint", MarkdownReport.checkpoint(markdownBody));
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PDF", e);
        }
    }

    private static void items(List<Line> lines, Node list, PDType1Font font, float width) {
        int n = 1;
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (item instanceof ListItem) {
                String marker = list instanceof OrderedList ? (n++) + ". " : "- ";
                wrap(lines, font, 9.5f, 10, marker + text(item), width, 2);
            }
        }
    }

    /** The plain text of a node and its children, with soft breaks as spaces. */
    private static String text(Node node) {
        StringBuilder out = new StringBuilder();
        collect(node, out);
        return out.toString().strip();
    }

    private static void collect(Node node, StringBuilder out) {
        switch (node) {
            case Text t -> out.append(t.getLiteral());
            case Code c -> out.append(c.getLiteral());
            case SoftLineBreak b -> out.append(' ');
            case HardLineBreak b -> out.append(' ');
            default -> {
                for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
                    collect(child, out);
                }
            }
        }
    }

    /** Breaks {@code text} into lines that fit {@code width - indent}, splitting words longer than a line. */
    private static void wrap(List<Line> lines, PDType1Font font, float size, float indent, String text, float width,
            float spaceBefore) {
        String shown = printable(font, text);
        float room = width - indent;
        StringBuilder line = new StringBuilder();
        float before = spaceBefore;
        for (String word : shown.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (widthOf(font, size, candidate) <= room) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(new Line(font, size, indent, line.toString(), before));
                before = 0;
                line.setLength(0);
            }
            while (widthOf(font, size, word) > room) { // a hash or URL longer than the line
                int cut = word.length() - 1;
                while (cut > 1 && widthOf(font, size, word.substring(0, cut)) > room) {
                    cut--;
                }
                lines.add(new Line(font, size, indent, word.substring(0, cut), before));
                before = 0;
                word = word.substring(cut);
            }
            line.append(word);
        }
        lines.add(new Line(font, size, indent, line.toString(), before));
    }

    private static float widthOf(PDType1Font font, float size, String s) {
        try {
            return font.getStringWidth(s) / 1000 * size;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} with every character the font cannot encode replaced by {@code ?}. */
    static String printable(PDType1Font font, String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            String c = new String(Character.toChars(cp));
            try {
                font.encode(c);
                out.append(c);
            } catch (IOException | IllegalArgumentException e) {
                out.append('?');
            }
        });
        return out.toString();
    }

    private static void layOut(PDDocument pdf, List<Line> lines, PDType1Font footerFont) throws IOException {
        float top = PAGE.getHeight() - MARGIN;
        PDPage page = null;
        PDPageContentStream content = null;
        float y = 0;
        for (Line l : lines) {
            float lead = l.size() * 1.35f + l.spaceBefore();
            if (content == null || y - lead < MARGIN) {
                if (content != null) {
                    content.close();
                }
                page = new PDPage(PAGE);
                pdf.addPage(page);
                content = new PDPageContentStream(pdf, page);
                y = top;
            }
            y -= lead;
            content.beginText();
            content.setFont(l.font(), l.size());
            content.newLineAtOffset(MARGIN + l.indent(), y);
            content.showText(l.text());
            content.endText();
        }
        if (content != null) {
            content.close();
        }
        int total = pdf.getNumberOfPages();
        for (int i = 0; i < total; i++) {
            try (PDPageContentStream footer = new PDPageContentStream(pdf, pdf.getPage(i),
                    PDPageContentStream.AppendMode.APPEND, true)) {
                footer.beginText();
                footer.setFont(footerFont, 8);
                footer.newLineAtOffset(MARGIN, MARGIN / 2);
                footer.showText("Page " + (i + 1) + " of " + total);
                footer.endText();
            }
        }
    }
}
