package io.imcloud.openfire;

import io.imcloud.archive.WriterSettings;
import io.imcloud.attachments.AttachmentLimits;
import io.imcloud.contacts.ContactLimits;
import io.imcloud.groups.GroupLimits;
import io.imcloud.push.PushSettings;
import io.imcloud.rest.ClientAddresses;
import io.imcloud.rest.CorsOrigins;
import io.imcloud.xmpp.MessageLimits;
import org.jivesoftware.util.JiveGlobals;
import org.jivesoftware.util.PropertyEventDispatcher;
import org.jivesoftware.util.PropertyEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The plugin's settings: Openfire system properties {@code plugin.imcloud.*}, each with a safe
 * default, applied live. A change made in the admin console (Server Manager > System Properties)
 * reaches Openfire's {@link PropertyEventDispatcher}, which calls this class; components that must
 * react register with {@link #onChange}. Others simply call {@link #get} whenever they need a value.
 *
 * <p>To add a setting: declare a constant here, add it to {@link #ALL}, and document it once in
 * README.md's settings table and in {@code i18n/imcloud_i18n*.properties}
 * ({@code imcloud.setting.<name>}); a test checks that all three agree.
 */
public final class ImcloudSettings implements AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(ImcloudSettings.class);

    /** The prefix every setting's property name starts with. */
    public static final String PREFIX = "plugin.imcloud.";

    /**
     * Context path of the REST API on Openfire's HTTP-bind ports; not "/", "/http-bind" or "/ws" (that would hide
     * Openfire's BOSH or websocket service, mounted there by {@code HttpBindManager}).
     */
    public static final Setting<String> HTTP_CONTEXT = Setting.text(PREFIX + "http.context", "/imcloud",
            Pattern.compile("(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+").asMatchPredicate()
                    .and(path -> !path.equals("/http-bind") && !path.equals("/ws")),
            "a path such as /imcloud: '/'-separated segments of letters, digits, '.', '_', '~' or '-', other than"
                    + " /http-bind and /ws (Openfire's BOSH and websockets)");

    /**
     * Reverse proxies (IP literals, comma-separated) whose forwarded client address ({@code X-Forwarded-For}, applied by
     * Openfire's {@code httpbind.forwarded.enabled}) is believed for the loopback check and per-address limits; any
     * other peer of the TCP connection is taken as the client, whatever headers it sends.
     */
    public static final Setting<String> HTTP_TRUSTED_PROXIES = Setting.text(PREFIX + "http.trusted_proxies", "",
            ClientAddresses::isAddressList, "IPv4 or IPv6 addresses separated by commas (no host names)");

    /**
     * The web origins whose pages may call the REST API from a browser (CORS): {@code https://app.example.com} and the
     * like, separated by commas, or {@code *} for any; empty (the default): none.
     */
    public static final Setting<String> HTTP_CORS_ORIGINS = Setting.text(PREFIX + "http.cors_origins", "",
            CorsOrigins::isOriginList, "empty, *, or up to 100 origins such as https://app.example.com separated by commas");

    /** Whether the management API answers requests from other hosts than the loopback. */
    public static final Setting<Boolean> MANAGEMENT_ALLOW_REMOTE =
            Setting.flag(PREFIX + "management.allow_remote", false);

    /**
     * This cluster node's number in archive ids ({@code io.imcloud.archive.MessageIds}): {@value #AUTOMATIC_NODE_ID}
     * (the default) leases the lowest free one from the database at start ({@code io.imcloud.archive.NodeLease}), so
     * nodes need no numbering; 0-1023 asks for that one (an override, e.g. to keep a node's id stable), leased all the
     * same, and a free one is taken instead while another running node holds it. Read from the node's own
     * {@code openfire.xml} first ({@link #NODE_LOCAL}): system properties are shared by every node of a cluster.
     */
    public static final Setting<Integer> NODE_ID =
            Setting.integer(PREFIX + "node.id", ImcloudSettings.AUTOMATIC_NODE_ID, ImcloudSettings.AUTOMATIC_NODE_ID, 1023);

    /** {@link #NODE_ID}'s value for "lease any free id". */
    public static final int AUTOMATIC_NODE_ID = -1;

    /** Messages the archive writer may hold in memory before refusing new ones; bounded as the writer bounds it. */
    public static final Setting<Integer> ARCHIVE_QUEUE_CAPACITY =
            Setting.integer(PREFIX + "archive.queue.capacity", 100_000, 100, WriterSettings.MAX_QUEUE_CAPACITY);

    /** Memory (estimated bytes) the archive writer's queued messages may hold before it refuses new ones. */
    public static final Setting<Integer> ARCHIVE_QUEUE_MAX_BYTES = Setting.integer(PREFIX + "archive.queue.max_bytes",
            WriterSettings.DEFAULT_QUEUE_BYTES, WriterSettings.MIN_QUEUE_BYTES, WriterSettings.MAX_QUEUE_BYTES);

    /** Milliseconds a message waits for room in a full archive queue while the database is up, before it is refused. */
    public static final Setting<Integer> ARCHIVE_QUEUE_WAIT_MILLIS = Setting.integer(PREFIX + "archive.queue.wait_ms",
            (int) WriterSettings.QUEUE_WAIT.toMillis(), 0, WriterSettings.MAX_QUEUE_WAIT_MILLIS);

    /** Most milliseconds the archive writer, woken while few messages wait, lets more arrive before it writes them. */
    public static final Setting<Integer> ARCHIVE_BATCH_LINGER_MILLIS = Setting.integer(PREFIX + "archive.batch.linger_ms",
            (int) WriterSettings.BATCH_LINGER.toMillis(), 0, WriterSettings.MAX_BATCH_LINGER_MILLIS);

    /** Messages the archive writer commits in one transaction at most; bounded as the writer bounds it. */
    public static final Setting<Integer> ARCHIVE_BATCH_SIZE =
            Setting.integer(PREFIX + "archive.batch.size", 500, 1, WriterSettings.MAX_BATCH_SIZE);

    /** Largest body (UTF-8 bytes) of an archived XMPP message; a larger one is refused with policy-violation. */
    public static final Setting<Integer> MESSAGE_MAX_BODY_BYTES = Setting.integer(PREFIX + "message.max_body_bytes",
            MessageLimits.DEFAULT_MAX_BODY_BYTES, 1, 1024 * 1024);

    /** Largest whole stanza (UTF-8 bytes) of an archived XMPP message; a larger one is refused with policy-violation. */
    public static final Setting<Integer> MESSAGE_MAX_STANZA_BYTES = Setting.integer(PREFIX + "message.max_stanza_bytes",
            MessageLimits.DEFAULT_MAX_STANZA_BYTES, 1024, 1024 * 1024);

    /** Most messages in one XEP-0313 result page, whatever the client asks for. */
    public static final Setting<Integer> MAM_MAX = Setting.integer(PREFIX + "mam.max", 100, 1, 1_000);

    /** Largest REST request body; the API takes JSON only, never uploads. */
    public static final Setting<Integer> REST_MAX_BODY_BYTES =
            Setting.integer(PREFIX + "rest.max_body_bytes", 64 * 1024, 1024, 16 * 1024 * 1024);

    /** Lifetime of a token whose request names no {@code ttl}; cut to {@link #TOKEN_MAX_TTL_SECONDS}. */
    public static final Setting<Integer> TOKEN_DEFAULT_TTL_SECONDS =
            Setting.integer(PREFIX + "token.default_ttl_seconds", 7 * 86_400, 60, 10 * 365 * 86_400);

    /** Longest token lifetime a request may ask for; longer requests get this. */
    public static final Setting<Integer> TOKEN_MAX_TTL_SECONDS =
            Setting.integer(PREFIX + "token.max_ttl_seconds", 30 * 86_400, 60, 10 * 365 * 86_400);

    /** Users one app may register per second, sustained (REST). */
    public static final Setting<Integer> REGISTRATION_PER_SECOND =
            Setting.integer(PREFIX + "registration.per_second", 50, 1, 100_000);

    /** Users one app may register at once before {@link #REGISTRATION_PER_SECOND} applies. */
    public static final Setting<Integer> REGISTRATION_BURST =
            Setting.integer(PREFIX + "registration.burst", 100, 1, 1_000_000);

    /** Users one remote address may register per minute without a token (open registration). */
    public static final Setting<Integer> OPEN_REGISTRATION_PER_IP_PER_MINUTE =
            Setting.integer(PREFIX + "registration.open_per_ip_per_minute", 60, 1, 1_000_000);

    /** Users one remote address may register at once without a token. */
    public static final Setting<Integer> OPEN_REGISTRATION_PER_IP_BURST =
            Setting.integer(PREFIX + "registration.open_per_ip_burst", 10, 1, 1_000_000);

    /** Minutes between two archive retention sweeps (per-app retention is an app option). */
    public static final Setting<Integer> RETENTION_SWEEP_MINUTES =
            Setting.integer(PREFIX + "retention.sweep_minutes", 60, 1, 7 * 24 * 60);

    /**
     * Service domains (subdomains of the XMPP domain, e.g. {@code conference.example.com}) that app users may
     * use beyond their own app's rooms, comma-separated; empty: none. Rooms of other apps stay closed whatever
     * this lists.
     */
    public static final Setting<String> ALLOWED_SERVICES = Setting.text(PREFIX + "tenancy.allowed_services", "",
            Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(\\s*,\\s*[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*)*").asMatchPredicate(),
            "a comma-separated list of service domains such as conference.example.com");

    /**
     * The attachments directory, an absolute path; empty (the default): {@code imcloud-files} under Openfire's home.
     * In a cluster every node must see the same directory (shared storage).
     */
    public static final Setting<String> FILES_DIR = Setting.text(PREFIX + "files.dir", "",
            ImcloudSettings::isAbsolutePathOrEmpty, "empty, or an absolute directory path");

    /** Largest attachment (chat file or XEP-0363 upload) in bytes. */
    public static final Setting<Integer> FILES_MAX_BYTES =
            Setting.integer(PREFIX + "files.max_bytes", 10 * 1024 * 1024, 1, Integer.MAX_VALUE);

    /** Images with more pixels than this get no thumbnail: they are never decoded. */
    public static final Setting<Integer> FILES_THUMBNAIL_MAX_PIXELS =
            Setting.integer(PREFIX + "files.thumbnail_max_pixels", 40_000_000, 1, 200_000_000);

    /** Subdomain of the XEP-0363 upload service for app users (e.g. upload.example.com); read at start. */
    public static final Setting<String> UPLOAD_SUBDOMAIN = Setting.text(PREFIX + "upload.subdomain", "upload",
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?").asMatchPredicate(),
            "one DNS label: lower-case letters, digits and inner '-'");

    /**
     * Subdomain of Openfire's multi-user chat service that holds the groups' rooms (e.g. conference.example.com); the
     * service must exist. Read at start.
     */
    public static final Setting<String> GROUPS_MUC_SUBDOMAIN = Setting.text(PREFIX + "groups.muc_subdomain", "conference",
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?").asMatchPredicate(),
            "one DNS label: lower-case letters, digits and inner '-'");

    /** Most members of one group, the owner included; a group's own maxusers may be lower. */
    public static final Setting<Integer> GROUPS_MAX_MEMBERS = Setting.integer(PREFIX + "groups.max_members",
            GroupLimits.DEFAULT_MAX_MEMBERS, 2, 100_000);

    /** Most groups one user may be a member of. */
    public static final Setting<Integer> GROUPS_MAX_PER_USER = Setting.integer(PREFIX + "groups.max_per_user",
            GroupLimits.DEFAULT_MAX_GROUPS_PER_USER, 1, 100_000);

    /** Seconds an XEP-0363 upload slot may be used. */
    public static final Setting<Integer> UPLOAD_SLOT_SECONDS =
            Setting.integer(PREFIX + "upload.slot_seconds", 300, 10, 86_400);

    /**
     * The REST API's base URL as clients reach it (behind a proxy, say), used in XEP-0363 slots; empty: the HTTP-bind
     * port of this server's host name, TLS (7443) when Openfire serves it, with {@link #HTTP_CONTEXT}.
     */
    public static final Setting<String> HTTP_PUBLIC_URL = Setting.text(PREFIX + "http.public_url", "",
            Pattern.compile("(https?://[^/?#\\s]+(/[^?#\\s]*[^/?#\\s])?)?").asMatchPredicate(),
            "empty, or an http(s) URL without query and without a trailing '/', e.g. https://im.example.com/imcloud");

    /** Most contacts (roster friendships) one user may have through the REST API. */
    public static final Setting<Integer> CONTACTS_MAX_PER_USER = Setting.integer(PREFIX + "contacts.max_per_user",
            ContactLimits.DEFAULT_MAX_CONTACTS, 1, 100_000);

    /** Most users one user may block through the REST API. */
    public static final Setting<Integer> BLOCKS_MAX_PER_USER = Setting.integer(PREFIX + "blocks.max_per_user",
            ContactLimits.DEFAULT_MAX_BLOCKS, 1, 10_000);

    /** Seconds one offline-message callback may take: to connect, and then for the receiver's answer. */
    public static final Setting<Integer> PUSH_TIMEOUT_SECONDS = Setting.integer(PREFIX + "push.timeout_seconds",
            (int) PushSettings.DEFAULTS.timeout().toSeconds(), 1, 60);

    /** Attempts of one offline-message callback before it goes to the dead letters. */
    public static final Setting<Integer> PUSH_MAX_ATTEMPTS = Setting.integer(PREFIX + "push.max_attempts",
            PushSettings.DEFAULTS.maxAttempts(), 1, 30);

    /** Offline-message callbacks of one app that may wait in the queue; more are dropped and counted. */
    public static final Setting<Integer> PUSH_QUEUE_PER_APP = Setting.integer(PREFIX + "push.queue_per_app",
            PushSettings.DEFAULTS.queuePerApp(), 10, 1_000_000);

    /** Every setting the plugin reads. */
    public static final List<Setting<?>> ALL = List.of(
            HTTP_CONTEXT, HTTP_TRUSTED_PROXIES, HTTP_CORS_ORIGINS, MANAGEMENT_ALLOW_REMOTE, NODE_ID, ARCHIVE_QUEUE_CAPACITY, ARCHIVE_QUEUE_MAX_BYTES,
            ARCHIVE_QUEUE_WAIT_MILLIS, ARCHIVE_BATCH_SIZE, ARCHIVE_BATCH_LINGER_MILLIS, MESSAGE_MAX_BODY_BYTES, MESSAGE_MAX_STANZA_BYTES, MAM_MAX,
            REST_MAX_BODY_BYTES, TOKEN_DEFAULT_TTL_SECONDS, TOKEN_MAX_TTL_SECONDS, REGISTRATION_PER_SECOND,
            REGISTRATION_BURST, OPEN_REGISTRATION_PER_IP_PER_MINUTE, OPEN_REGISTRATION_PER_IP_BURST,
            RETENTION_SWEEP_MINUTES, ALLOWED_SERVICES, FILES_DIR, FILES_MAX_BYTES, FILES_THUMBNAIL_MAX_PIXELS,
            UPLOAD_SUBDOMAIN, UPLOAD_SLOT_SECONDS, HTTP_PUBLIC_URL, CONTACTS_MAX_PER_USER, BLOCKS_MAX_PER_USER,
            GROUPS_MUC_SUBDOMAIN, GROUPS_MAX_MEMBERS, GROUPS_MAX_PER_USER,
            PUSH_TIMEOUT_SECONDS, PUSH_MAX_ATTEMPTS, PUSH_QUEUE_PER_APP);

    /** Settings read once, when the plugin starts (the archive writer and its ids are built with them). */
    static final Set<Setting<?>> ON_RESTART =
            Set.of(NODE_ID, ARCHIVE_QUEUE_CAPACITY, ARCHIVE_QUEUE_MAX_BYTES, ARCHIVE_QUEUE_WAIT_MILLIS, ARCHIVE_BATCH_SIZE,
                    ARCHIVE_BATCH_LINGER_MILLIS, FILES_DIR, UPLOAD_SUBDOMAIN);

    /**
     * Settings a cluster node may set for itself (system properties are shared by every node), so read from its
     * openfire.xml first.
     */
    static final Set<String> NODE_LOCAL = Set.of(NODE_ID.name());

    private static boolean isAbsolutePathOrEmpty(String value) {
        try {
            return value.isEmpty() || Path.of(value).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The domains of an {@link #ALLOWED_SERVICES} value, lower case (as Openfire keeps domains). */
    public static Set<String> domains(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
                .map(domain -> domain.trim().toLowerCase(Locale.ROOT))
                .filter(domain -> !domain.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static final Map<String, Setting<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Setting::name, Function.identity()));

    private final Function<String, String> properties;
    private final Map<Setting<?>, Object> values = new ConcurrentHashMap<>();
    private final List<Subscription<?>> subscriptions = new CopyOnWriteArrayList<>();
    private final PropertyEventListener listener = new Listener();

    /**
     * Settings read from {@code properties} (a property name to its text, or null when unset).
     * They follow changes only once {@link #listen()} has been called.
     */
    public ImcloudSettings(Function<String, String> properties) {
        this.properties = properties;
        ALL.forEach(this::read);
    }

    /** Settings read from Openfire's system properties and following their changes until {@link #close()}. */
    public static ImcloudSettings fromOpenfire() {
        return new ImcloudSettings(nodeLocalFirst(JiveGlobals::getXMLProperty, JiveGlobals::getProperty)).listen();
    }

    /**
     * Properties from {@code shared} (Openfire's system properties, the same on every cluster node), except that
     * a {@link #NODE_LOCAL} setting present in {@code nodeLocal} (the node's {@code openfire.xml}) is read there.
     */
    static Function<String, String> nodeLocalFirst(Function<String, String> nodeLocal, Function<String, String> shared) {
        return name -> {
            String local = NODE_LOCAL.contains(name) ? nodeLocal.apply(name) : null;
            return local != null ? local : shared.apply(name);
        };
    }

    /** Registers with Openfire's {@link PropertyEventDispatcher} so that changes apply at once. */
    public ImcloudSettings listen() {
        PropertyEventDispatcher.addListener(listener);
        return this;
    }

    /** Stops following changes; the values stay as they are. */
    @Override
    public void close() {
        PropertyEventDispatcher.removeListener(listener);
    }

    /**
     * The current value of {@code setting}.
     *
     * @throws IllegalArgumentException for a setting missing from {@link #ALL}
     */
    @SuppressWarnings("unchecked") // values only ever holds what setting.parse returned
    public <T> T get(Setting<T> setting) {
        Object value = values.get(Objects.requireNonNull(setting, "setting"));
        if (value == null) {
            throw new IllegalArgumentException(setting.name() + " is not in ImcloudSettings.ALL");
        }
        return (T) value;
    }

    /**
     * Calls {@code action} with the new value whenever {@code setting} changes, on the thread that
     * changed the property. An action that throws is logged; the others still run.
     */
    public <T> void onChange(Setting<T> setting, Consumer<? super T> action) {
        subscriptions.add(new Subscription<>(setting, action));
    }

    /**
     * Re-reads one property (after Openfire reported a change); notifies subscribers if its value changed.
     * Synchronized so that subscribers see two quick changes in the order they were made.
     */
    synchronized void reread(String propertyName) {
        Setting<?> setting = BY_NAME.get(propertyName);
        if (setting == null) {
            return;
        }
        Object before = values.get(setting);
        Object after = read(setting);
        if (!after.equals(before)) {
            Log.info("imcloud setting {} is now {}{}", setting.name(), after,
                    ON_RESTART.contains(setting) ? " (taken into use when the plugin restarts)" : "");
            subscriptions.forEach(s -> s.notifyIfFor(setting));
        }
    }

    /** The current message size limits of the XMPP path. */
    /** The current group limits. */
    public GroupLimits groupLimits() {
        return new GroupLimits(get(GROUPS_MAX_MEMBERS), get(GROUPS_MAX_PER_USER));
    }

    public MessageLimits messageLimits() {
        return new MessageLimits(get(MESSAGE_MAX_BODY_BYTES), get(MESSAGE_MAX_STANZA_BYTES));
    }

    /** The current limits on one user's contacts and blocked users. */
    public ContactLimits contactLimits() {
        return new ContactLimits(get(CONTACTS_MAX_PER_USER), get(BLOCKS_MAX_PER_USER));
    }

    /** The current server-wide attachment limits. */
    public AttachmentLimits attachmentLimits() {
        AttachmentLimits defaults = AttachmentLimits.defaults();
        return new AttachmentLimits(get(FILES_MAX_BYTES), defaults.thumbnailEdge(), get(FILES_THUMBNAIL_MAX_PIXELS));
    }

    /** How offline-message callbacks are sent now: the operator's timeout, attempts and queue bound; the rest default. */
    public PushSettings pushSettings() {
        return PushSettings.DEFAULTS.with(Duration.ofSeconds(get(PUSH_TIMEOUT_SECONDS)), get(PUSH_MAX_ATTEMPTS),
                get(PUSH_QUEUE_PER_APP));
    }

    /** The archive writer's settings: queue capacity, bytes and wait, batch size and linger; the rest default. */
    public WriterSettings writerSettings() {
        return WriterSettings.of(get(ARCHIVE_QUEUE_CAPACITY), get(ARCHIVE_BATCH_SIZE)).withQueueMaxBytes(get(ARCHIVE_QUEUE_MAX_BYTES))
                .withQueueWait(Duration.ofMillis(get(ARCHIVE_QUEUE_WAIT_MILLIS)))
                .withBatchLinger(Duration.ofMillis(get(ARCHIVE_BATCH_LINGER_MILLIS)));
    }

    private <T> T read(Setting<T> setting) {
        String raw = properties.apply(setting.name());
        T value;
        try {
            value = setting.parse(raw);
        } catch (IllegalArgumentException e) {
            Log.warn("Ignoring system property {}; using the default {}", e.getMessage(), setting.defaultValue());
            value = setting.defaultValue();
        }
        values.put(setting, value);
        return value;
    }

    private final class Subscription<T> {
        private final Setting<T> setting;
        private final Consumer<? super T> action;

        Subscription(Setting<T> setting, Consumer<? super T> action) {
            this.setting = setting;
            this.action = action;
        }

        void notifyIfFor(Setting<?> changed) {
            if (changed != setting) {
                return;
            }
            try {
                action.accept(get(setting));
            } catch (RuntimeException e) {
                Log.warn("imcloud: applying the new value of {} failed", setting.name(), e);
            }
        }
    }

    /** Openfire's callback; system properties (database) only, openfire.xml entries are not settings. */
    private final class Listener implements PropertyEventListener {
        @Override
        public void propertySet(String property, Map<String, Object> params) {
            reread(property);
        }

        @Override
        public void propertyDeleted(String property, Map<String, Object> params) {
            reread(property);
        }

        @Override
        public void xmlPropertySet(String property, Map<String, Object> params) {
            // Not a plugin setting.
        }

        @Override
        public void xmlPropertyDeleted(String property, Map<String, Object> params) {
            // Not a plugin setting.
        }
    }
}
