package io.imcloud.xmpp;

import io.imcloud.archive.Archive;
import io.imcloud.archive.ArchivePage;
import io.imcloud.archive.ArchivedMessage;
import io.imcloud.tenancy.AppUser;
import org.jivesoftware.openfire.IQHandlerInfo;
import org.jivesoftware.openfire.handler.IQHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.PacketError;

import java.io.File;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * XEP-0313 Message Archive Management ({@code urn:xmpp:mam:2}) over the imcloud archive: an app user
 * queries their own archive (IQ without {@code to}, or to their own bare JID); every match goes back
 * as a {@code <result/>} message through the {@link PacketSender}, oldest first, then the IQ result
 * carries {@code <fin/>} with the XEP-0059 page bounds. {@code get} answers the query form.
 * <p>
 * Errors: {@code forbidden} for a query addressed to another user's archive, {@code feature-not-implemented}
 * for a requester who is no app user (imcloud archives only app users' messages), {@code bad-request}
 * and {@code item-not-found} for bad input (see {@link MamRequest}), {@code item-not-found} for an {@code after} or
 * {@code before} that names no message of the requester's archive. {@code <max>0</max>} is answered with the
 * XEP-0059 {@code <count/>} of the result set and no messages.
 * <p>
 * Register with {@code XMPPServer.getInstance().getIQRouter().addHandler(handler)}, unless
 * {@link #monitoringPluginInstalled(File)}: Openfire's Monitoring plugin answers the same namespace.
 */
public final class MamIqHandler extends IQHandler {

    private static final Logger Log = LoggerFactory.getLogger(MamIqHandler.class);

    /** The namespace handled and advertised. */
    public static final String NAMESPACE = MamRequest.NAMESPACE;

    private final IQHandlerInfo info = new IQHandlerInfo("query", NAMESPACE);
    private final Archive archive;
    private final TenantFirewall firewall;
    private final PacketSender sender;
    private final IntSupplier maxPageSize;

    /**
     * @param archive     the message archive
     * @param firewall    tenant isolation for Openfire's XMPP domain (who is an app user)
     * @param sender      routes the result messages ({@code XMPPServer.getInstance().getPacketRouter()::route})
     * @param maxPageSize the current {@code plugin.imcloud.mam.max} (read live; out-of-range values fall back or are capped)
     */
    public MamIqHandler(Archive archive, TenantFirewall firewall, PacketSender sender, IntSupplier maxPageSize) {
        super("imcloud XEP-0313 message archive");
        this.archive = archive;
        this.firewall = firewall;
        this.sender = sender;
        this.maxPageSize = maxPageSize;
    }

    /**
     * True, with a log line saying why imcloud stays out of XEP-0313, when Openfire's Monitoring plugin
     * is installed beside imcloud (a {@code monitoring} directory next to imcloud's plugin directory).
     */
    public static boolean monitoringPluginInstalled(File imcloudPluginDirectory) {
        File monitoring = new File(imcloudPluginDirectory.getAbsoluteFile().getParentFile(), "monitoring");
        if (monitoring.isDirectory()) {
            Log.info("Openfire's Monitoring plugin is installed ({}) and answers XEP-0313 itself: imcloud does not "
                    + "register its {} handler; clients page imcloud history through the REST API", monitoring, NAMESPACE);
            return true;
        }
        return false;
    }

    @Override
    public IQHandlerInfo getInfo() {
        return info;
    }

    @Override
    public IQ handleIQ(IQ iq) {
        if (iq.getType() != IQ.Type.get && iq.getType() != IQ.Type.set) {
            return null;
        }
        JID from = iq.getFrom();
        JID to = iq.getTo();
        if (from == null) {
            return MamAnswers.error(iq, PacketError.Condition.bad_request, "No sender");
        }
        if (to != null && to.getNode() != null && !to.toBareJID().equals(from.toBareJID())) {
            return MamAnswers.error(iq, PacketError.Condition.forbidden, "Only your own archive can be queried");
        }
        AppUser owner = firewall.localAppUser(from);
        if (owner == null) {
            return MamAnswers.error(iq, PacketError.Condition.feature_not_implemented, "Only app users have an imcloud archive");
        }
        if (iq.getType() == IQ.Type.get) {
            return MamAnswers.form(iq);
        }
        try {
            MamRequest request = MamRequest.parse(iq.getChildElement(), owner, firewall, MamAnswers.pageSize(maxPageSize));
            requireOwnMessage(owner, request.query().afterId());
            requireOwnMessage(owner, request.query().beforeId());
            return request.query().max() == 0
                    ? MamAnswers.countOnly(iq, request.emptyByDefinition() ? 0 : archive.count(request.query()))
                    : answer(iq, request);
        } catch (MamRequest.Invalid invalid) {
            return MamAnswers.error(iq, invalid.condition, invalid.getMessage());
        }
    }

    /** XEP-0313 section 4.3.2: an {@code after}/{@code before} that names no message of the owner's archive is {@code item-not-found}. */
    private void requireOwnMessage(AppUser owner, Long msgId) throws MamRequest.Invalid {
        if (msgId != null && archive.findOwn(owner, msgId).isEmpty()) {
            throw new MamRequest.Invalid(PacketError.Condition.item_not_found, "No message of your archive has the id " + msgId);
        }
    }

    private IQ answer(IQ iq, MamRequest request) {
        ArchivePage page = request.emptyByDefinition()
                ? new ArchivePage(List.of(), true)
                : archive.query(request.query());
        JID archiveJid = iq.getFrom().asBareJID();
        for (ArchivedMessage message : page.messages()) {
            sender.send(MamResults.resultMessage(iq.getFrom(), archiveJid, request.queryId(), message.msgId(), message.sentAt(),
                    MamResults.forwarded(message, firewall.domain())));
        }
        return MamAnswers.fin(iq, request, page.messages().stream().map(ArchivedMessage::msgId).toList(), page.complete());
    }
}
