package io.imcloud.xmpp;

import io.imcloud.attachments.Attachments;
import io.imcloud.attachments.ChatfileLink;
import io.imcloud.attachments.UploadSlots;
import io.imcloud.tenancy.App;
import io.imcloud.tenancy.AppKey;
import io.imcloud.tenancy.AppMembership;
import io.imcloud.tenancy.AppUser;
import io.imcloud.tenancy.FilePolicy;
import org.dom4j.Element;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmpp.component.Component;
import org.xmpp.component.ComponentManager;
import org.xmpp.packet.IQ;
import org.xmpp.packet.JID;
import org.xmpp.packet.Packet;
import org.xmpp.packet.PacketError;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * XEP-0363 HTTP File Upload for app users, as an Openfire component (e.g. {@code upload.example.com}, listed in the
 * server's service discovery): it answers {@code disco#info} with the upload feature and its {@code max-file-size}
 * (XEP-0128 form) and hands out slots: a PUT and GET URL of the REST API's chat files
 * ({@code /{org}/{app}/chatfiles/{uuid}/{name}}) and a short-lived signed grant in the PUT's {@code Authorization}
 * header, bound to the user's app, the size and the name ({@link UploadSlots}). The same limits, quotas and type
 * checks as REST uploads apply when the bytes arrive. Plain Openfire users are not offered the feature: they keep
 * any other upload service the server runs.
 */
public final class HttpUploadService implements Component {

    /** XEP-0363's namespace. */
    public static final String NAMESPACE = "urn:xmpp:http:upload:0";
    private static final Logger Log = LoggerFactory.getLogger(HttpUploadService.class);
    private static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

    private final TenantFirewall firewall;
    private final AppMembership membership;
    private final Function<AppKey, Optional<App>> apps;
    private final Attachments attachments;
    private final UploadSlots slots;
    private final Supplier<String> publicUrl;
    private final Supplier<Duration> slotValidity;
    private final PacketSender sender;

    /**
     * @param apps         finds an app by key (its file policy)
     * @param publicUrl    the REST API's public base URL, e.g. {@code https://im.example.com:7443/imcloud}
     * @param slotValidity how long a slot may be used
     * @param sender       routes the replies
     */
    public HttpUploadService(TenantFirewall firewall, AppMembership membership, Function<AppKey, Optional<App>> apps,
                             Attachments attachments, UploadSlots slots, Supplier<String> publicUrl,
                             Supplier<Duration> slotValidity, PacketSender sender) {
        this.firewall = firewall;
        this.membership = membership;
        this.apps = apps;
        this.attachments = attachments;
        this.slots = slots;
        this.publicUrl = publicUrl;
        this.slotValidity = slotValidity;
        this.sender = sender;
    }

    @Override
    public String getName() {
        return "imcloud HTTP File Upload";
    }

    @Override
    public String getDescription() {
        return "XEP-0363 uploads into imcloud's app-scoped file store";
    }

    @Override
    public void initialize(JID jid, ComponentManager componentManager) {
        Log.debug("XEP-0363 service at {}", jid);
    }

    @Override
    public void start() {
        // stateless: nothing to start
    }

    @Override
    public void shutdown() {
        // stateless: nothing to stop
    }

    @Override
    public void processPacket(Packet packet) {
        if (!(packet instanceof IQ iq) || (iq.getType() != IQ.Type.get && iq.getType() != IQ.Type.set)) {
            return;
        }
        try {
            sender.send(answer(iq));
        } catch (RuntimeException e) {
            Log.warn("imcloud: failed to answer {} from {}", iq.getChildElement() == null ? "an IQ"
                    : iq.getChildElement().getNamespaceURI(), iq.getFrom(), e);
            sender.send(error(iq, PacketError.Condition.internal_server_error, "The upload service failed"));
        }
    }

    private IQ answer(IQ iq) {
        Element child = iq.getChildElement();
        String namespace = child == null ? "" : child.getNamespaceURI();
        if (iq.getType() == IQ.Type.get && MamDiscoFeatures.DISCO_INFO_NAMESPACE.equals(namespace)) {
            return info(iq);
        }
        if (iq.getType() == IQ.Type.get && DISCO_ITEMS.equals(namespace)) {
            IQ result = IQ.createResultIQ(iq);
            result.setChildElement("query", DISCO_ITEMS);
            return result;
        }
        if (iq.getType() == IQ.Type.get && NAMESPACE.equals(namespace) && "request".equals(child.getName())) {
            return slot(iq, child);
        }
        return error(iq, PacketError.Condition.feature_not_implemented, null);
    }

    /** The service's identity, and to the server and app users the upload feature with its size limit. */
    private IQ info(IQ iq) {
        IQ result = IQ.createResultIQ(iq);
        Element query = result.setChildElement("query", MamDiscoFeatures.DISCO_INFO_NAMESPACE);
        if (iq.getChildElement().attributeValue("node") != null) {
            return error(iq, PacketError.Condition.item_not_found, null);
        }
        query.addElement("identity").addAttribute("category", "store").addAttribute("type", "file")
                .addAttribute("name", "HTTP File Upload");
        query.addElement("feature").addAttribute("var", MamDiscoFeatures.DISCO_INFO_NAMESPACE);
        JID from = iq.getFrom();
        if (from != null && (from.getNode() == null || appUser(from) != null)) {
            query.addElement("feature").addAttribute("var", NAMESPACE);
            Element form = query.addElement("x", "jabber:x:data").addAttribute("type", "result");
            form.addElement("field").addAttribute("var", "FORM_TYPE").addAttribute("type", "hidden")
                    .addElement("value").setText(NAMESPACE);
            form.addElement("field").addAttribute("var", "max-file-size")
                    .addElement("value").setText(Long.toString(attachments.limits().maxFileBytes()));
        }
        return result;
    }

    private IQ slot(IQ iq, Element request) {
        AppUser user = appUser(iq.getFrom());
        Optional<App> app = user == null ? Optional.empty() : apps.apply(user.appKey());
        if (app.isEmpty()) {
            return error(iq, PacketError.Condition.not_allowed, "Only users of an app can upload here");
        }
        String fileName = request.attributeValue("filename");
        long size = parseSize(request.attributeValue("size"));
        if (fileName == null || fileName.isBlank() || size <= 0) {
            return error(iq, PacketError.Condition.bad_request, "A slot request needs a filename and a positive size");
        }
        long max = attachments.limits().maxFileBytes();
        if (size > max) {
            IQ tooLarge = error(iq, PacketError.Condition.not_acceptable, "The file is larger than " + max + " bytes");
            tooLarge.getElement().element("error").addElement("file-too-large", NAMESPACE)
                    .addElement("max-file-size").setText(Long.toString(max));
            return tooLarge;
        }
        FilePolicy policy = app.get().files();
        String type = request.attributeValue("content-type", "").toLowerCase(Locale.ROOT);
        if (policy.mediaOnly() && !type.startsWith("audio/") && !type.startsWith("image/")) {
            return error(iq, PacketError.Condition.not_acceptable, "This application takes audio and images only");
        }
        Attachments.FileUsage usage = attachments.usage(user.appKey());
        if ((policy.quotaBytes() > 0 && usage.bytes() + size > policy.quotaBytes())
                || (policy.quotaFiles() > 0 && usage.files() >= policy.quotaFiles())) {
            return error(iq, PacketError.Condition.resource_constraint, "The application's file quota is used up");
        }
        UploadSlots.Slot slot = slots.issue(user, size, fileName, slotValidity.get());
        String url = publicUrl.get() + ChatfileLink.path(user.appKey(), slot.uuid()) + "/" + urlName(slot.fileName());
        IQ result = IQ.createResultIQ(iq);
        Element answer = result.setChildElement("slot", NAMESPACE);
        answer.addElement("put").addAttribute("url", url)
                .addElement("header").addAttribute("name", "Authorization").setText("Bearer " + slot.token());
        answer.addElement("get").addAttribute("url", url);
        Log.debug("Upload slot {} of {} bytes for {}", slot.uuid(), size, user);
        return result;
    }

    /** The app user sending from {@code jid}, registered with its app; null for anyone else. */
    private AppUser appUser(JID jid) {
        AppUser user = firewall.localAppUser(jid);
        return user != null && membership.isMember(user) ? user : null;
    }

    private static long parseSize(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The file name as the URL's last segment, which clients read for its extension: letters, digits, '.', '_' and
     * '-' only, so no encoding can make it a path (the stored display name keeps the original).
     */
    static String urlName(String fileName) {
        String name = fileName == null ? "" : fileName.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
        return name.isEmpty() ? "file" : name;
    }

    private static IQ error(IQ iq, PacketError.Condition condition, String text) {
        IQ reply = IQ.createResultIQ(iq);
        if (iq.getChildElement() != null) {
            reply.setChildElement(iq.getChildElement().createCopy());
        }
        reply.setType(IQ.Type.error);
        PacketError error = new PacketError(condition);
        if (text != null) {
            error.setText(text, "en");
        }
        reply.setError(error);
        return reply;
    }
}
