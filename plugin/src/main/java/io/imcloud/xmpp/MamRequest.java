package io.imcloud.xmpp;

import io.imcloud.archive.ArchiveQuery;
import io.imcloud.archive.MessageIds;
import io.imcloud.tenancy.AppUser;
import org.dom4j.Element;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * One XEP-0313 ({@code urn:xmpp:mam:2}) query read from its {@code <query/>} element: the data form
 * fields {@code with}, {@code start}, {@code end} (XEP-0082 date-times) and the XEP-0059 paging
 * {@code <set/>} ({@code max}, {@code after}, {@code before}; an empty {@code <before/>} asks for the last page; {@code <max>0</max>}
 * asks only for the count).
 *
 * @param queryId   the client's {@code queryid}, echoed in every result, or null
 * @param query     the archive query
 * @param emptyByDefinition true when {@code with} names someone outside the owner's app: no message can match
 */
record MamRequest(String queryId, ArchiveQuery query, boolean emptyByDefinition) {

    static final String NAMESPACE = "urn:xmpp:mam:2";
    static final String DATA_FORM_NAMESPACE = "jabber:x:data";
    static final String RSM_NAMESPACE = "http://jabber.org/protocol/rsm";
    static final int MAX_ID_CHARS = 64;

    /** A query refused with a stanza error. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        final PacketError.Condition condition;

        Invalid(PacketError.Condition condition, String text) {
            super(text);
            this.condition = condition;
        }
    }

    /**
     * Reads {@code query} of {@code owner}; {@code maxPageSize} caps {@code <max/>} and is the page
     * size when the client gives none.
     *
     * @throws Invalid {@code bad-request} for unknown fields, bad date-times, a bad {@code with} or {@code max};
     *                 {@code item-not-found} for an {@code after}/{@code before} that is no archive id (whether it
     *                 names a message of the owner is checked against the archive by the caller);
     *                 {@code feature-not-implemented} for {@code <index/>}
     */
    static MamRequest parse(Element query, AppUser owner, TenantFirewall firewall, int maxPageSize) throws Invalid {
        String queryId = query.attributeValue("queryid");
        if (queryId != null && queryId.length() > MAX_ID_CHARS) {
            throw new Invalid(PacketError.Condition.bad_request, "queryid is too long");
        }
        String with = null;
        boolean otherTenant = false;
        Long start = null;
        Long end = null;
        Element form = query.element(org.dom4j.QName.get("x", DATA_FORM_NAMESPACE));
        if (form != null) {
            for (Element field : form.elements("field")) {
                String var = field.attributeValue("var");
                String value = field.elementTextTrim("value");
                if ("FORM_TYPE".equals(var)) {
                    if (!NAMESPACE.equals(value)) {
                        throw new Invalid(PacketError.Condition.bad_request, "FORM_TYPE must be " + NAMESPACE);
                    }
                } else if ("with".equals(var)) {
                    AppUser peer = firewall.localAppUser(jid(value));
                    otherTenant = peer == null || !peer.appKey().equals(owner.appKey());
                    with = otherTenant ? null : peer.username();
                } else if ("start".equals(var)) {
                    start = timestamp(var, value);
                } else if ("end".equals(var)) {
                    end = timestamp(var, value);
                } else {
                    throw new Invalid(PacketError.Condition.bad_request, "Unsupported field: " + var);
                }
            }
        }
        Long after = null;
        Long before = null;
        boolean lastPage = false;
        int max = maxPageSize;
        Element set = query.element(org.dom4j.QName.get("set", RSM_NAMESPACE));
        if (set != null) {
            if (set.element("index") != null) {
                throw new Invalid(PacketError.Condition.feature_not_implemented, "RSM index is not supported");
            }
            if (set.element("max") != null) {
                max = Math.min(nonNegative(set.elementTextTrim("max")), maxPageSize);
            }
            if (set.element("after") != null) {
                after = archiveId(set.elementTextTrim("after"));
            }
            Element beforeElement = set.element("before");
            if (beforeElement != null) {
                String text = beforeElement.getTextTrim();
                if (text.isEmpty()) {
                    lastPage = true;
                } else {
                    before = archiveId(text);
                }
            }
        }
        ArchiveQuery archiveQuery = new ArchiveQuery(owner, with, start, end, after, before, lastPage, max);
        return new MamRequest(queryId, archiveQuery, otherTenant);
    }

    private static JID jid(String value) throws Invalid {
        if (value == null || value.isEmpty()) {
            throw new Invalid(PacketError.Condition.bad_request, "with needs a JID");
        }
        try {
            return new JID(value);
        } catch (IllegalArgumentException e) {
            throw new Invalid(PacketError.Condition.bad_request, "with is no valid JID");
        }
    }

    private static long timestamp(String var, String value) throws Invalid {
        try {
            return OffsetDateTime.parse(value == null ? "" : value).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) { // ArithmeticException: a year beyond epoch milliseconds
            throw new Invalid(PacketError.Condition.bad_request, var + " must be an XEP-0082 date-time");
        }
    }

    private static int nonNegative(String text) throws Invalid {
        try {
            int value = Integer.parseInt(text);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new Invalid(PacketError.Condition.bad_request, "max must be a non-negative integer");
    }

    private static long archiveId(String text) throws Invalid {
        if (text.isEmpty()) {
            throw new Invalid(PacketError.Condition.bad_request, "An empty <after/> names no position");
        }
        long id = MessageIds.parse(text);
        if (id < 0) {
            throw new Invalid(PacketError.Condition.item_not_found, "No archived message has the id " + text);
        }
        return id;
    }
}
