package io.imcloud.xmpp;

import org.dom4j.DocumentHelper;
import org.dom4j.Element;
import org.dom4j.Namespace;
import org.dom4j.QName;
import org.dom4j.io.XMPPPacketReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmpp.packet.JID;
import org.xmpp.packet.Message;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link StanzaXml} writes exactly what dom4j's {@code asXML()} writes, for stanzas however they were made. */
class StanzaXmlTest {

    private static final String[] STANZAS = {
            "<message xmlns='jabber:client' to='acme#chat_bob@im.example.com' from='acme#chat_alice@im.example.com/phone'"
                    + " type='chat' id='c1' xml:lang='en'><body>hi</body><thread>t1</thread>"
                    + "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/><request xmlns='urn:xmpp:receipts'/>"
                    + "<active xmlns='http://jabber.org/protocol/chatstates'/><markable xmlns='urn:xmpp:chat-markers:0'/></message>",
            "<message xmlns='jabber:client' type='chat'><body>a &lt; b &amp;&amp; c &gt; d \"q\" 'a'\ttab\nline\r\n😀 é</body>"
                    + "<ext xmlns='urn:imcloud:ext'>{\"k\":\"v &amp; &lt;w&gt;\",\"n\":1}</ext></message>",
            "<message xmlns='jabber:client' id='a&quot;b&lt;c&gt;d&amp;e&apos;f&#9;g&#10;h&#13;i'><body/></message>",
            "<message xmlns='jabber:client'><result xmlns='urn:xmpp:mam:2' id='1'><forwarded xmlns='urn:xmpp:forward:0'>"
                    + "<delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/><message xmlns='jabber:client' type='chat'>"
                    + "<body>inner</body></message></forwarded></result></message>",
            "<message xmlns='jabber:client' xmlns:x='urn:x' xmlns:y='urn:y'><x:a y:attr='1' x:attr='2'><x:b/><y:c>t</y:c>"
                    + "<d xmlns='urn:d'><x:e xmlns:x='urn:other'/></d></x:a><body>b</body></message>",
            "<message xmlns='jabber:client'><x xmlns='jabber:x:oob'><url>https://h/f?a=1&amp;b=2</url><desc> spaced </desc></x>"
                    + "<body>   </body></message>",
            "<message xmlns='jabber:client'><body>with <![CDATA[a <cdata> section]]> inside</body></message>",
            "<message xmlns='jabber:client'><body>with a <!-- comment --> inside</body></message>",
            "<message xmlns='jabber:client'><html xmlns='http://jabber.org/protocol/xhtml-im'>"
                    + "<body xmlns='http://www.w3.org/1999/xhtml'><p style='font-weight:bold'>hi<br/>there</p></body></html></message>",
            "<message xmlns='jabber:server' from='a@remote' to='b@local'><body>s2s</body></message>",
            "<message><body>no namespace at all</body><x xmlns=''/></message>",
    };

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void writesWhatDom4jWritesForStanzasAsOpenfireReadsThem(int index) throws Exception {
        XMPPPacketReader reader = new XMPPPacketReader();
        Element element = reader.read(new StringReader(STANZAS[index])).getRootElement();
        assertEquals(element.asXML(), StanzaXml.of(element));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void writesWhatDom4jWritesForStanzasAsDom4jReadsThem(int index) throws Exception {
        Element element = DocumentHelper.parseText(STANZAS[index]).getRootElement();
        assertEquals(element.asXML(), StanzaXml.of(element));
    }

    @Test
    void writesWhatDom4jWritesForAStanzaMadeInCode() {
        Message message = new Message();
        message.setTo(new JID("acme#chat_bob@im.example.com"));
        message.setFrom(new JID("acme#chat_alice@im.example.com/phone"));
        message.setType(Message.Type.chat);
        message.setID("id \"with\" <quotes> & \u0001 control \u001f");
        message.setBody("body \u0000\u0007\u000b\u000c & <tags> \" \uD83D\uDE00 \uD800 lone");
        message.addChildElement("ext", "urn:imcloud:ext").setText("{\"a\":\"<b>\"}");
        StanzaIds.stamp(message.getElement(), "acme#chat_bob@im.example.com", 915237321467502593L);
        Element odd = message.getElement().addElement("odd");
        odd.addAttribute(QName.get("attr", Namespace.get("p", "urn:p")), "v");
        odd.addAttribute(QName.get("same", Namespace.get("", "")), "w"); // a no-namespace that is not dom4j's constant
        odd.addAttribute(QName.get("lang", Namespace.XML_NAMESPACE), "zh");
        odd.addText("");
        assertEquals(message.toXML(), StanzaXml.of(message.getElement()));
    }

    /** Trees dom4j can hold, with the namespaces, prefixes and characters that its writer treats each its own way. */
    @Test
    void writesWhatDom4jWritesForRandomTrees() {
        Random random = new Random(20261130L);
        for (int i = 0; i < 3000; i++) {
            Element root = DocumentHelper.createElement(QName.get("message", namespace(random)));
            grow(root, random, 0);
            assertEquals(root.asXML(), StanzaXml.of(root), "tree " + i);
        }
    }

    /** Leaving children out writes what dom4j writes once they are removed, also where dom4j writes it all (CDATA, comments). */
    @Test
    void leavesOutChildrenAsIfTheyWereRemoved() throws Exception {
        Random random = new Random(20261201L);
        List<Element> stanzas = new ArrayList<>();
        for (String stanza : STANZAS) {
            stanzas.add(DocumentHelper.parseText(stanza).getRootElement());
            stanzas.add(new XMPPPacketReader().read(new StringReader(stanza)).getRootElement());
        }
        for (int i = 0; i < 1000; i++) {
            Element root = DocumentHelper.createElement(QName.get("message", namespace(random)));
            grow(root, random, 0);
            stanzas.add(root);
        }
        for (Element stanza : stanzas) {
            List<Element> children = stanza.elements();
            Element[] leftOut = children.stream().filter(child -> random.nextInt(3) > 0).toArray(Element[]::new);
            Element removed = stanza.createCopy();
            for (int n = stanza.nodeCount() - 1; n >= 0; n--) {
                if (Arrays.asList(leftOut).contains(stanza.node(n))) {
                    removed.content().remove(n);
                }
            }
            assertEquals(removed.asXML(), StanzaXml.without(stanza, leftOut), stanza.asXML());
        }
    }

    private static void grow(Element element, Random random, int depth) {
        if (random.nextInt(4) == 0) {
            Namespace declared = namespace(random);
            if (declared.getURI().length() > 0) {
                element.add(declared);
            }
        }
        for (int a = random.nextInt(3); a > 0; a--) {
            element.addAttribute(QName.get("a" + random.nextInt(1000), random.nextBoolean() ? Namespace.NO_NAMESPACE
                    : random.nextBoolean() ? Namespace.XML_NAMESPACE : namespace(random)), text(random));
        }
        for (int c = depth > 3 ? 0 : random.nextInt(4); c > 0; c--) {
            if (random.nextBoolean()) {
                element.addText(text(random));
            } else {
                grow(element.addElement(QName.get("e" + random.nextInt(5), namespace(random))), random, depth + 1);
            }
        }
    }

    private static final List<Namespace> NAMESPACES = List.of(Namespace.NO_NAMESPACE, Namespace.get("jabber:client"),
            Namespace.get("urn:a"), Namespace.get("urn:b"), Namespace.get("p", "urn:a"), Namespace.get("p", "urn:b"),
            Namespace.get("q", "urn:q"));

    private static Namespace namespace(Random random) {
        return NAMESPACES.get(random.nextInt(NAMESPACES.size()));
    }

    private static final String CHARACTERS = "ab <>&\"'\t\n\r\u0000\u0001\u001f\u007fé中\uD83D\uDE00\uD800\uDC00\uFFFF";

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            text.append(CHARACTERS.charAt(random.nextInt(CHARACTERS.length())));
        }
        return text.toString();
    }
}
