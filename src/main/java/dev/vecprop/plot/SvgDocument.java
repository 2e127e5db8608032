package dev.vecprop.plot;

import static dev.vecprop.plot.NumberText.coord;

/**
 * A standalone SVG 1.1 document being written: the XML declaration, the root element with a fixed
 * font family, a white background, then elements appended in painting order. Every piece of text
 * that comes from the caller goes through {@link #escape(String)}.
 */
final class SvgDocument {
    /** The font stack of every text element. */
    static final String FONT_FAMILY = "DejaVu Sans, Arial, sans-serif";

    private final StringBuilder out = new StringBuilder(16_384);

    /** Starts a document of {@code width} x {@code height} user units whose {@code <title>} is {@code title}. */
    SvgDocument(double width, double height, String title) {
        String w = coord(width);
        String h = coord(height);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" baseProfile=\"full\" width=\"")
                .append(w).append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" font-family=\"").append(FONT_FAMILY).append("\" font-size=\"12\" fill=\"#222222\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<rect x=\"0\" y=\"0\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" fill=\"#ffffff\"/>\n");
    }

    /**
     * {@code s} safe as XML character data and as a double- or single-quoted attribute value: the five
     * markup characters become entities, line breaks and tabs become spaces, and characters XML 1.0
     * forbids (other controls, lone surrogates, U+FFFE, U+FFFF) become U+FFFD.
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                case '\t', '\n', '\r' -> b.append(' ');
                default -> {
                    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF || (n == 1 && Character.isSurrogate((char) c))) {
                        b.append('\uFFFD');
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
            i += n;
        }
        return b.toString();
    }

    /** Appends raw markup (already escaped) and a line break. */
    SvgDocument raw(String markup) {
        out.append(markup).append('\n');
        return this;
    }

    /** Opens a group with the given raw attributes ({@code ""} for none). */
    SvgDocument open(String attributes) {
        out.append(attributes.isEmpty() ? "<g>" : "<g " + attributes + ">").append('\n');
        return this;
    }

    /** Closes the innermost open group. */
    SvgDocument close() {
        out.append("</g>\n");
        return this;
    }

    /**
     * A single line of text at baseline point ({@code x}, {@code y}); {@code anchor} is start, middle
     * or end; {@code rotate} in degrees about the anchor point (0 for none); {@code extra} raw attributes.
     */
    SvgDocument text(double x, double y, double fontSize, String anchor, double rotate, String extra, String content) {
        out.append("<text x=\"").append(coord(x)).append("\" y=\"").append(coord(y)).append("\" font-size=\"")
                .append(coord(fontSize)).append('"');
        if (!"start".equals(anchor)) {
            out.append(" text-anchor=\"").append(anchor).append('"');
        }
        if (rotate != 0) {
            out.append(" transform=\"rotate(").append(coord(rotate)).append(' ').append(coord(x)).append(' ')
                    .append(coord(y)).append(")\"");
        }
        if (!extra.isEmpty()) {
            out.append(' ').append(extra);
        }
        out.append('>').append(escape(content)).append("</text>\n");
        return this;
    }

    /** A straight line from ({@code x1}, {@code y1}) to ({@code x2}, {@code y2}) with raw style attributes. */
    SvgDocument line(double x1, double y1, double x2, double y2, String style) {
        out.append("<line x1=\"").append(coord(x1)).append("\" y1=\"").append(coord(y1)).append("\" x2=\"")
                .append(coord(x2)).append("\" y2=\"").append(coord(y2)).append("\" ").append(style).append("/>\n");
        return this;
    }

    /** A rectangle with raw style attributes and an optional tooltip ({@code null} for none). */
    SvgDocument rect(double x, double y, double w, double h, String style, String tooltip) {
        out.append("<rect x=\"").append(coord(x)).append("\" y=\"").append(coord(y)).append("\" width=\"")
                .append(coord(w)).append("\" height=\"").append(coord(h)).append("\" ").append(style);
        return closeShape("rect", tooltip);
    }

    /** A circle with raw style attributes and an optional tooltip ({@code null} for none). */
    SvgDocument circle(double cx, double cy, double r, String style, String tooltip) {
        out.append("<circle cx=\"").append(coord(cx)).append("\" cy=\"").append(coord(cy)).append("\" r=\"")
                .append(coord(r)).append("\" ").append(style);
        return closeShape("circle", tooltip);
    }

    /** An open polyline through the points {@code xs[i], ys[i]} for i in [from, to), with raw style attributes. */
    SvgDocument polyline(double[] xs, double[] ys, int from, int to, String style) {
        out.append("<polyline points=\"");
        for (int i = from; i < to; i++) {
            if (i > from) {
                out.append(' ');
            }
            out.append(coord(xs[i])).append(',').append(coord(ys[i]));
        }
        out.append("\" ").append(style).append("/>\n");
        return this;
    }

    private SvgDocument closeShape(String name, String tooltip) {
        if (tooltip == null) {
            out.append("/>\n");
        } else {
            out.append("><title>").append(escape(tooltip)).append("</title></").append(name).append(">\n");
        }
        return this;
    }

    /** The finished document. */
    String finish() {
        return out + "</svg>\n";
    }
}
