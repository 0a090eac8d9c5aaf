package io.imcloud.xmpp;

import org.dom4j.Element;
import org.xmpp.packet.IQ;
import org.xmpp.packet.PacketError;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * The IQ answers of XEP-0313 that a user's archive ({@link MamIqHandler}) and a group's ({@link RoomMamIqHandler}) give
 * alike: the final {@code <fin/>} with its XEP-0059 page bounds, the count-only answer, the query form and errors.
 */
final class MamAnswers {

    /** Page size used when the configured maximum is not positive. */
    static final int DEFAULT_MAX_PAGE_SIZE = 100;
    /** Upper bound of the configured maximum ({@code plugin.imcloud.mam.max}), whatever it is set to. */
    static final int MAX_PAGE_SIZE_LIMIT = 1000;

    private MamAnswers() {
    }

    /** The configured page size, falling back when not positive and capped at {@value #MAX_PAGE_SIZE_LIMIT}. */
    static int pageSize(IntSupplier configured) {
        int value = configured.getAsInt();
        return value < 1 ? DEFAULT_MAX_PAGE_SIZE : Math.min(value, MAX_PAGE_SIZE_LIMIT);
    }

    /**
     * The result IQ ending a query whose page held the archive ids {@code ids} (oldest first): {@code <fin complete=..>}
     * with {@code <first/>} (and its index when the page starts the result set) and {@code <last/>}, or a count of 0 for a
     * query that could match nothing.
     */
    static IQ fin(IQ iq, MamRequest request, List<Long> ids, boolean complete) {
        IQ reply = IQ.createResultIQ(iq);
        Element fin = reply.setChildElement("fin", MamRequest.NAMESPACE);
        fin.addAttribute("complete", Boolean.toString(complete));
        Element set = fin.addElement("set", MamRequest.RSM_NAMESPACE);
        if (!ids.isEmpty()) {
            Element first = set.addElement("first").addText(Long.toString(ids.get(0)));
            boolean fromNewest = request.query().fromNewest();
            if ((!fromNewest && request.query().afterId() == null) || (fromNewest && complete)) {
                first.addAttribute("index", "0"); // the page starts the result set: its index is known
            }
            set.addElement("last").addText(Long.toString(ids.get(ids.size() - 1)));
        } else if (request.emptyByDefinition()) {
            set.addElement("count").addText("0");
        }
        return reply;
    }

    /** XEP-0059 section 2.6: a page of no items asks for the size of the result set; no result message is sent. */
    static IQ countOnly(IQ iq, long count) {
        IQ reply = IQ.createResultIQ(iq);
        Element fin = reply.setChildElement("fin", MamRequest.NAMESPACE);
        fin.addAttribute("complete", Boolean.toString(count == 0));
        fin.addElement("set", MamRequest.RSM_NAMESPACE).addElement("count").addText(Long.toString(count));
        return reply;
    }

    /** The answer to a {@code get}: the query form with the fields {@code with}, {@code start} and {@code end}. */
    static IQ form(IQ iq) {
        IQ reply = IQ.createResultIQ(iq);
        Element x = reply.setChildElement("query", MamRequest.NAMESPACE).addElement("x", MamRequest.DATA_FORM_NAMESPACE);
        x.addAttribute("type", "form");
        x.addElement("field").addAttribute("type", "hidden").addAttribute("var", "FORM_TYPE")
                .addElement("value").addText(MamRequest.NAMESPACE);
        x.addElement("field").addAttribute("type", "jid-single").addAttribute("var", "with");
        x.addElement("field").addAttribute("type", "text-single").addAttribute("var", "start");
        x.addElement("field").addAttribute("type", "text-single").addAttribute("var", "end");
        return reply;
    }

    /** An error answer carrying a copy of the query. */
    static IQ error(IQ iq, PacketError.Condition condition, String text) {
        IQ reply = IQ.createResultIQ(iq);
        if (iq.getChildElement() != null) {
            reply.setChildElement(iq.getChildElement().createCopy());
        }
        reply.setError(new PacketError(condition, condition.getDefaultType(), text));
        return reply;
    }
}
