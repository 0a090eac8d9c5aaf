package io.imcloud.openfire;

import io.imcloud.archive.WriterSettings;
import io.imcloud.xmpp.MessageLimits;
import org.jivesoftware.util.PropertyEventDispatcher;
import org.jivesoftware.util.PropertyEventDispatcher.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Settings over a map standing in for Openfire's system properties; live changes arrive through
 * Openfire's real {@link PropertyEventDispatcher}, as {@code JiveProperties} sends them.
 */
class ImcloudSettingsTest {

    private final Map<String, String> properties = new ConcurrentHashMap<>();

    @Test
    void unsetPropertiesGiveTheDocumentedDefaults() {
        ImcloudSettings settings = new ImcloudSettings(properties::get);

        assertEquals("/imcloud", settings.get(ImcloudSettings.HTTP_CONTEXT));
        assertEquals(false, settings.get(ImcloudSettings.MANAGEMENT_ALLOW_REMOTE));
        assertEquals(ImcloudSettings.AUTOMATIC_NODE_ID, settings.get(ImcloudSettings.NODE_ID));
        assertEquals(100_000, settings.get(ImcloudSettings.ARCHIVE_QUEUE_CAPACITY));
        assertEquals(500, settings.get(ImcloudSettings.ARCHIVE_BATCH_SIZE));
        assertEquals(Duration.ofMillis(50), settings.writerSettings().batchLinger());
        assertEquals(100, settings.get(ImcloudSettings.MAM_MAX));
    }

    @Test
    void setPropertiesAreParsed() {
        properties.put("plugin.imcloud.http.context", "/im/v1");
        properties.put("plugin.imcloud.management.allow_remote", " TRUE ");
        properties.put("plugin.imcloud.node.id", "1023");
        properties.put("plugin.imcloud.mam.max", "50");

        ImcloudSettings settings = new ImcloudSettings(properties::get);

        assertEquals("/im/v1", settings.get(ImcloudSettings.HTTP_CONTEXT));
        assertEquals(true, settings.get(ImcloudSettings.MANAGEMENT_ALLOW_REMOTE));
        assertEquals(1023, settings.get(ImcloudSettings.NODE_ID));
        assertEquals(50, settings.get(ImcloudSettings.MAM_MAX));
    }

    @Test
    void invalidValuesFallBackToTheDefault() {
        properties.put("plugin.imcloud.http.context", "/");
        properties.put("plugin.imcloud.management.allow_remote", "yes");
        properties.put("plugin.imcloud.node.id", "1024");
        properties.put("plugin.imcloud.archive.batch.size", "lots");
        properties.put("plugin.imcloud.mam.max", "0");

        ImcloudSettings settings = new ImcloudSettings(properties::get);

        assertEquals("/imcloud", settings.get(ImcloudSettings.HTTP_CONTEXT));
        assertEquals(false, settings.get(ImcloudSettings.MANAGEMENT_ALLOW_REMOTE));
        assertEquals(ImcloudSettings.AUTOMATIC_NODE_ID, settings.get(ImcloudSettings.NODE_ID));
        assertEquals(500, settings.get(ImcloudSettings.ARCHIVE_BATCH_SIZE));
        assertEquals(Duration.ofMillis(50), settings.writerSettings().batchLinger());
        assertEquals(100, settings.get(ImcloudSettings.MAM_MAX));
    }

    @Test
    void contextPathRuleRefusesWhatWouldEscapeOrShadowOpenfire() {
        for (String bad : List.of("/", "imcloud", "/imcloud/", "/../admin", "/im cloud", "/./x", "//x")) {
            assertThrows(IllegalArgumentException.class, () -> ImcloudSettings.HTTP_CONTEXT.parse(bad), bad);
        }
        assertEquals("/a.b/c_d-1", ImcloudSettings.HTTP_CONTEXT.parse("/a.b/c_d-1"));
    }

    @Test
    void aSettingMissingFromAllIsRefusedClearly() {
        Setting<Integer> forgotten = Setting.integer("plugin.imcloud.forgotten", 1, 0, 2);
        ImcloudSettings settings = new ImcloudSettings(properties::get);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.get(forgotten));

        assertEquals("plugin.imcloud.forgotten is not in ImcloudSettings.ALL", e.getMessage());
    }

    @Test
    void invalidValueErrorNamesThePropertyAndTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImcloudSettings.NODE_ID.parse("-2"));

        assertEquals("plugin.imcloud.node.id must be a whole number from -1 to 1023, not '-2'", e.getMessage());
    }

    @Test
    void changesApplyLiveThroughOpenfiresDispatcherUntilClosed() {
        List<Integer> seen = new ArrayList<>();
        ImcloudSettings settings = new ImcloudSettings(properties::get).listen();
        settings.onChange(ImcloudSettings.MAM_MAX, seen::add);
        try {
            set("plugin.imcloud.mam.max", "20");
            assertEquals(20, settings.get(ImcloudSettings.MAM_MAX));

            set("plugin.imcloud.mam.max", "20");
            set("plugin.imcloud.node.id", "7");
            assertEquals(7, settings.get(ImcloudSettings.NODE_ID));

            properties.remove("plugin.imcloud.mam.max");
            PropertyEventDispatcher.dispatchEvent("plugin.imcloud.mam.max", EventType.property_deleted, Map.of());
            assertEquals(100, settings.get(ImcloudSettings.MAM_MAX));

            assertEquals(List.of(20, 100), seen, "one call per real change of that setting only");
        } finally {
            settings.close();
        }

        set("plugin.imcloud.mam.max", "30");
        assertEquals(100, settings.get(ImcloudSettings.MAM_MAX), "no longer listening");
        assertEquals(List.of(20, 100), seen);
    }

    @Test
    void aFailingSubscriberDoesNotStopTheOthers() {
        List<String> seen = new ArrayList<>();
        ImcloudSettings settings = new ImcloudSettings(properties::get);
        settings.onChange(ImcloudSettings.HTTP_CONTEXT, path -> {
            throw new IllegalStateException("cannot move");
        });
        settings.onChange(ImcloudSettings.HTTP_CONTEXT, seen::add);

        properties.put("plugin.imcloud.http.context", "/chat");
        settings.reread("plugin.imcloud.http.context");

        assertEquals(List.of("/chat"), seen);
        assertEquals("/chat", settings.get(ImcloudSettings.HTTP_CONTEXT));
    }

    private void set(String name, String value) {
        properties.put(name, value);
        PropertyEventDispatcher.dispatchEvent(name, EventType.property_set, Map.of("value", value));
    }

    /** node.id comes from the node's own openfire.xml when set there; other settings never do. */
    @Test
    void nodeIdIsReadFromTheNodesOwnConfigurationFirst() {
        Map<String, String> xml = Map.of(ImcloudSettings.NODE_ID.name(), "7", ImcloudSettings.MAM_MAX.name(), "5");
        Map<String, String> shared = Map.of(ImcloudSettings.NODE_ID.name(), "1", ImcloudSettings.MAM_MAX.name(), "50");
        ImcloudSettings settings = new ImcloudSettings(ImcloudSettings.nodeLocalFirst(xml::get, shared::get));
        assertEquals(7, settings.get(ImcloudSettings.NODE_ID));
        assertEquals(50, settings.get(ImcloudSettings.MAM_MAX), "a shared setting stays shared");
        ImcloudSettings withoutXml = new ImcloudSettings(ImcloudSettings.nodeLocalFirst(Map.<String, String>of()::get, shared::get));
        assertEquals(1, withoutXml.get(ImcloudSettings.NODE_ID), "a single server may use the system property");
    }

    /** Openfire serves BOSH at /http-bind and websockets at /ws on the same ports: the REST API may not take them. */
    @Test
    void theRestContextCannotHideBoshOrWebsockets() {
        for (String taken : new String[] {"/http-bind", "/ws"}) {
            ImcloudSettings settings = new ImcloudSettings(Map.of("plugin.imcloud.http.context", taken)::get);
            assertEquals("/imcloud", settings.get(ImcloudSettings.HTTP_CONTEXT), taken);
        }
        assertEquals("/ws2", new ImcloudSettings(Map.of("plugin.imcloud.http.context", "/ws2")::get).get(ImcloudSettings.HTTP_CONTEXT));
    }

    @Test
    void allowedServicesAreACommaSeparatedListOfDomains() {
        String property = "plugin.imcloud.tenancy.allowed_services";
        String listed = new ImcloudSettings(Map.of(property, "Conference.example.com , pubsub.example.com")::get)
                .get(ImcloudSettings.ALLOWED_SERVICES);
        assertEquals(Set.of("conference.example.com", "pubsub.example.com"), ImcloudSettings.domains(listed));
        assertEquals(Set.of(), ImcloudSettings.domains(new ImcloudSettings(Map.<String, String>of()::get)
                .get(ImcloudSettings.ALLOWED_SERVICES)));
        for (String invalid : new String[] {"conference.example.com;pubsub", "a b", ",x", "*.example.com"}) {
            assertEquals("", new ImcloudSettings(Map.of(property, invalid)::get).get(ImcloudSettings.ALLOWED_SERVICES), invalid);
        }
    }

    /**
     * The archive sizes the settings accept are the sizes the writer accepts: the largest of each builds the writer's
     * settings, one beyond it (10,000,000 was once documented) falls back to the default instead of failing the load.
     */
    @Test
    void archiveSizesShareTheWritersBounds() {
        properties.put("plugin.imcloud.archive.queue.capacity", Integer.toString(WriterSettings.MAX_QUEUE_CAPACITY));
        properties.put("plugin.imcloud.archive.queue.max_bytes", Integer.toString(WriterSettings.MAX_QUEUE_BYTES));
        properties.put("plugin.imcloud.archive.batch.size", Integer.toString(WriterSettings.MAX_BATCH_SIZE));
        properties.put("plugin.imcloud.archive.batch.linger_ms", Integer.toString(WriterSettings.MAX_BATCH_LINGER_MILLIS));
        WriterSettings largest = new ImcloudSettings(properties::get).writerSettings();
        assertEquals(WriterSettings.MAX_QUEUE_CAPACITY, largest.queueCapacity());
        assertEquals(WriterSettings.MAX_QUEUE_BYTES, largest.queueMaxBytes());
        assertEquals(WriterSettings.MAX_BATCH_SIZE, largest.batchSize());
        assertEquals(Duration.ofMillis(WriterSettings.MAX_BATCH_LINGER_MILLIS), largest.batchLinger());

        properties.put("plugin.imcloud.archive.queue.capacity", "10000000");
        properties.put("plugin.imcloud.archive.queue.max_bytes", "1024");
        properties.put("plugin.imcloud.archive.batch.size", "10001");
        properties.put("plugin.imcloud.archive.batch.linger_ms", "101");
        properties.put("plugin.imcloud.message.max_body_bytes", "0");
        properties.put("plugin.imcloud.message.max_stanza_bytes", "2000000");
        ImcloudSettings settings = new ImcloudSettings(properties::get);
        WriterSettings fallback = settings.writerSettings();
        assertEquals(100_000, fallback.queueCapacity());
        assertEquals(WriterSettings.DEFAULT_QUEUE_BYTES, fallback.queueMaxBytes());
        assertEquals(500, fallback.batchSize());
        assertEquals(WriterSettings.BATCH_LINGER, fallback.batchLinger());
        assertEquals(MessageLimits.DEFAULTS, settings.messageLimits());
    }
}
