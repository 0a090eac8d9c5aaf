package io.imcloud.xmpp;

import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.io.XMPPPacketReader;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StoredStanza}: what the archive keeps of a stanza, and the stanza an XEP-0313 answer forwards from it, which
 * must hold every element and text the original held.
 */
class StoredStanzaTest {

    private static final String BOB = "acme#chat_bob@im.example.com";
    private static final long ID = 915237321467502593L;
    private static final String EXT = "{\"k\":\"v & <w>\",\"n\":1}";

    @Test
    void leavesOutTheBodyTheExtAndTheArchiveIdAndRestoresThem() throws Exception {
        String body = "a < b && c > d \"q\" 😀 é";
        Element sent = parse("<message xmlns='jabber:client' to='" + BOB + "' from='acme#chat_alice@im.example.com/phone'"
                + " type='chat' id='c1'><body>a &lt; b &amp;&amp; c &gt; d \"q\" 😀 é</body>"
                + "<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='c1'/><ext xmlns='urn:imcloud:ext'>" + escaped(EXT) + "</ext></message>");
        StanzaIds.stamp(sent, BOB, ID);

        String stored = StoredStanza.of(sent, body, EXT, BOB);
        assertFalse(stored.contains("<body") || stored.contains("urn:imcloud:ext") || stored.contains(Long.toString(ID)), stored);
        assertTrue(stored.contains("urn:xmpp:receipts") && stored.contains("chat-markers") && stored.contains("origin-id"), stored);
        assertTrue(stored.length() < StanzaXml.of(sent).length() * 3 / 4, stored);

        Element forwarded = StoredStanza.restore(parse(stored), body, EXT, BOB, ID);
        assertSameStanza(sent, forwarded);
        assertEquals("body", forwarded.elements().get(0).getName(), "the body first");
    }

    @Test
    void keepsWhatItCouldNotPutBackAsItWas() throws Exception {
        String[] kept = {
                // bodies in two languages: which one the column holds would be lost
                "<message xmlns='jabber:client' type='chat'><body>hi</body><body xml:lang='de'>hallo</body></message>",
                // a body with an attribute
                "<message xmlns='jabber:client' type='chat'><body xml:lang='en'>hi</body></message>",
                // an ext with spaces around the JSON, which the column keeps stripped
                "<message xmlns='jabber:client' type='chat'><body>hi</body><ext xmlns='urn:imcloud:ext'> {\"a\":1} </ext></message>",
                // a body the column does not hold (a voice message's URL, its Easemob body object in the column)
                "<message xmlns='jabber:client' type='chat'><body>https://h/f.amr</body></message>",
                // a stanza-id by someone else
                "<message xmlns='jabber:client' type='chat'><body>hi</body><stanza-id xmlns='urn:xmpp:sid:0' by='room@conf' id='9'/>"
                        + "</message>",
        };
        String[] columns = {"hi", "hi", "hi", "{\"type\":\"audio\",\"url\":\"https://h/f.amr\"}", "hi"};
        String[] exts = {null, null, "{\"a\":1}", null, null};
        String[] stays = {"<body>hi</body><body xml:lang=\"de\">hallo</body>", "<body xml:lang=\"en\">hi</body>",
                "> {\"a\":1} </ext>", "<body>https://h/f.amr</body>", "by=\"room@conf\""};
        for (int i = 0; i < kept.length; i++) {
            Element sent = parse(kept[i]);
            StanzaIds.stamp(sent, BOB, ID);
            String stored = StoredStanza.of(sent, columns[i], exts[i], BOB);
            assertTrue(stored.contains(stays[i]) && !stored.contains(Long.toString(ID)), stored);
            assertSameStanza(sent, StoredStanza.restore(parse(stored), columns[i], exts[i], BOB, ID));
        }
    }

    /** A stanza archived whole, before this form (or rebuilt from the fields), comes back unchanged. */
    @Test
    void restoresAStanzaStoredWholeUnchanged() throws Exception {
        Element whole = parse("<message xmlns='jabber:client' type='chat'><body>hi</body><ext xmlns='urn:imcloud:ext'>"
                + escaped(EXT) + "</ext><stanza-id xmlns='urn:xmpp:sid:0' by='" + BOB + "' id='" + ID + "'/></message>");
        String before = whole.asXML();
        assertEquals(before, StoredStanza.restore(whole, "hi", EXT, BOB, ID).asXML());
    }

    @Test
    void anEmptyBodyAndAStanzaOfNothingElseRoundTrip() throws Exception {
        Element sent = new XMPPPacketReader().read(new StringReader("<message xmlns='jabber:client' to='" + BOB + "'><body/></message>"))
                .getRootElement();
        StanzaIds.stamp(sent, BOB, ID);
        String stored = StoredStanza.of(sent, "", null, BOB);
        assertTrue(stored.startsWith("<message ") && stored.endsWith("\"/>"), stored);
        assertSameStanza(sent, StoredStanza.restore(parse(stored), "", null, BOB, ID));
    }

    /** Same name, attributes and children (each as XML, in any order), in {@code jabber:client}. */
    private static void assertSameStanza(Element expected, Element actual) {
        assertEquals(expected.getQName(), actual.getQName());
        assertEquals(expected.attributes().stream().map(a -> a.getQualifiedName() + "=" + a.getValue()).sorted().toList(),
                actual.attributes().stream().map(a -> a.getQualifiedName() + "=" + a.getValue()).sorted().toList());
        assertEquals(children(expected), children(actual), actual.asXML());
    }

    private static List<String> children(Element element) {
        return element.elements().stream().map(Element::asXML).sorted().toList();
    }

    private static Element parse(String xml) throws Exception {
        return DocumentHelper.parseText(xml).getRootElement();
    }

    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
