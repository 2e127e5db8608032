package dev.vecprop.plot;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: parses an SVG string as XML (so it must be well formed) and finds elements. */
final class SvgXml {
    final Document doc;

    SvgXml(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** Elements with this tag name whose class attribute contains {@code cls} (null: any). */
    List<Element> all(String tag, String cls) {
        NodeList nl = doc.getElementsByTagNameNS("*", tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            Element e = (Element) nl.item(i);
            if (cls == null || List.of(e.getAttribute("class").split(" ")).containsAll(List.of(cls.split(" ")))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The points of a polyline as [x0, y0, x1, y1, ...]. */
    static double[] points(Element polyline) {
        String[] pairs = polyline.getAttribute("points").trim().split("\\s+");
        double[] p = new double[pairs.length * 2];
        for (int i = 0; i < pairs.length; i++) {
            String[] xy = pairs[i].split(",");
            p[2 * i] = Double.parseDouble(xy[0]);
            p[2 * i + 1] = Double.parseDouble(xy[1]);
        }
        return p;
    }

    /** All text content of the {@code <text>} elements, in document order. */
    List<String> texts() {
        List<String> out = new ArrayList<>();
        for (Element e : all("text", null)) {
            out.add(e.getTextContent());
        }
        return out;
    }
}
