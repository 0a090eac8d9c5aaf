package io.imcloud.xmpp;

import org.dom4j.Attribute;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of a stanza's element, character for character as dom4j's {@code asXML()} (Tinder's
 * {@code Packet.toXML()}) writes it, made into one {@code StringBuilder}. dom4j builds a writer, a namespace stack and
 * a synchronized buffer for every call and escapes each text through a second buffer; the archive copies every message
 * it stamps, on Openfire's packet threads, and that way cost about a third of the archive hook's time there.
 * <p>
 * What client stanzas hold is written here: elements, texts, namespace declarations (dom4j's rules for which to
 * repeat), attributes. A stanza with anything else in it (CDATA, a comment, a processing instruction, an entity
 * reference, an attribute named {@code xmlns}) is left to dom4j. The escaping is dom4j's, not an XML library's: the
 * archived text must stay what {@code toXML()} gives ({@code <}, {@code >}, {@code &}, in attributes {@code "}, and
 * control characters other than tab and line ends as character references).
 */
final class StanzaXml {

    private static final Element[] NONE = {};

    private StanzaXml() {
    }

    /** {@code element.asXML()}. */
    static String of(Element element) {
        return without(element, NONE);
    }

    /** {@code element.asXML()} as if its children {@code leftOut} (these very objects) were not there. */
    static String without(Element element, Element... leftOut) {
        StringBuilder out = new StringBuilder(512);
        List<Namespace> inScope = new ArrayList<>(8);
        inScope.add(Namespace.NO_NAMESPACE);
        if (write(element, out, inScope, leftOut)) {
            return out.toString();
        }
        Element copy = element.createCopy();
        for (int i = element.nodeCount() - 1; i >= 0; i--) {
            if (isLeftOut(element.node(i), leftOut)) {
                copy.content().remove(i);
            }
        }
        return copy.asXML();
    }

    /** How many of {@code leftOut} are children of {@code element}. */
    private static int leftOutCount(Element element, Element[] leftOut) {
        int count = 0;
        for (Element child : leftOut) {
            if (child != null && child.getParent() == element) {
                count++;
            }
        }
        return count;
    }

    private static boolean isLeftOut(Node node, Element[] leftOut) {
        for (Element child : leftOut) {
            if (node == child) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code element} but its children {@code leftOut}; false when it holds something only dom4j writes. */
    private static boolean write(Element element, StringBuilder out, List<Namespace> inScope, Element... leftOut) {
        int outerScope = inScope.size();
        String name = element.getQualifiedName();
        out.append('<').append(name);
        declare(element.getNamespace(), out, inScope);
        int size = element.nodeCount();
        for (int i = 0; i < size; i++) {
            if (element.node(i) instanceof Namespace additional) {
                declare(additional, out, inScope);
            }
        }
        for (int i = 0, count = element.attributeCount(); i < count; i++) {
            if (!write(element.attribute(i), out, inScope)) {
                return false;
            }
        }
        if (size == leftOutCount(element, leftOut)) {
            out.append("/>");
        } else {
            out.append('>');
            for (int i = 0; i < size; i++) {
                Node node = element.node(i);
                short type = node.getNodeType();
                if (type == Node.ELEMENT_NODE) {
                    if (!isLeftOut(node, leftOut) && !write((Element) node, out, inScope, NONE)) {
                        return false;
                    }
                } else if (type == Node.TEXT_NODE) {
                    escape(node.getText(), false, out);
                } else if (type != Node.NAMESPACE_NODE) {
                    return false;
                }
            }
            out.append("</").append(name).append('>');
        }
        inScope.subList(outerScope, inScope.size()).clear();
        return true;
    }

    /** Declares {@code namespace} unless its prefix already stands for its URI here (dom4j's rule). */
    private static void declare(Namespace namespace, StringBuilder out, List<Namespace> inScope) {
        if (namespace != null && namespace != Namespace.XML_NAMESPACE
                && !namespace.getURI().equals(uriOf(namespace.getPrefix(), inScope))) {
            writeDeclaration(namespace, out, inScope);
        }
    }

    private static boolean write(Attribute attribute, StringBuilder out, List<Namespace> inScope) {
        Namespace namespace = attribute.getNamespace();
        if (namespace != null && namespace != Namespace.NO_NAMESPACE && namespace != Namespace.XML_NAMESPACE
                && !namespace.getURI().equals(uriOf(namespace.getPrefix(), inScope))) {
            writeDeclaration(namespace, out, inScope);
        }
        String name = attribute.getName();
        if (name.equals("xmlns") || name.startsWith("xmlns:")) {
            return false;
        }
        out.append(' ').append(attribute.getQualifiedName()).append("=\"");
        escape(attribute.getValue(), true, out);
        out.append('"');
        return true;
    }

    /** As dom4j writes it: the URI unescaped. */
    private static void writeDeclaration(Namespace namespace, StringBuilder out, List<Namespace> inScope) {
        String prefix = namespace.getPrefix();
        if (prefix.isEmpty()) {
            out.append(" xmlns=\"");
        } else {
            out.append(" xmlns:").append(prefix).append("=\"");
        }
        out.append(namespace.getURI()).append('"');
        inScope.add(namespace);
    }

    /** The URI the innermost declaration of {@code prefix} gives it, or null. */
    private static String uriOf(String prefix, List<Namespace> inScope) {
        for (int i = inScope.size() - 1; i >= 0; i--) {
            Namespace namespace = inScope.get(i);
            if (namespace.getPrefix().equals(prefix)) {
                return namespace.getURI();
            }
        }
        return null;
    }

    /** Appends {@code text} with the characters dom4j escapes in element text or, with {@code attribute}, in values. */
    private static void escape(String text, boolean attribute, StringBuilder out) {
        if (text == null) {
            return;
        }
        int unwritten = 0;
        for (int i = 0, length = text.length(); i < length; i++) {
            char c = text.charAt(i);
            String entity = switch (c) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> attribute ? "&quot;" : null;
                case '\t', '\n', '\r' -> null;
                default -> c < 32 ? "&#" + (int) c + ";" : null;
            };
            if (entity != null) {
                out.append(text, unwritten, i).append(entity);
                unwritten = i + 1;
            }
        }
        out.append(text, unwritten, text.length());
    }
}
