package io.imcloud.openfire;

import org.jivesoftware.database.DbConnectionManager;
import org.jivesoftware.util.JiveGlobals;
import org.jivesoftware.util.PropertyEventDispatcher;
import org.jivesoftware.util.PropertyEventDispatcher.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.MockedStatic;

import java.io.File;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mockStatic;

/**
 * The plugin's start and stop against Openfire's real property dispatcher; Openfire's property
 * store and connection pool need a running server and are mocked. Whether the settings listener is
 * registered shows in whether a dispatched change makes the plugin read the property again.
 */
class ImcloudPluginTest {

    private static final String MAM_MAX = "plugin.imcloud.mam.max";

    private final AtomicInteger reads = new AtomicInteger();
    private MockedStatic<JiveGlobals> properties;
    private MockedStatic<DbConnectionManager> database;

    @BeforeEach
    void mockOpenfire() {
        properties = mockStatic(JiveGlobals.class);
        properties.when(() -> JiveGlobals.getProperty(MAM_MAX)).thenAnswer(invocation -> {
            reads.incrementAndGet();
            return null;
        });
        database = mockStatic(DbConnectionManager.class);
    }

    @AfterEach
    void release() {
        database.close();
        properties.close();
    }

    @Test
    void listensToSettingsWhileLoaded() {
        database.when(DbConnectionManager::getDatabaseType).thenReturn(DbConnectionManager.DatabaseType.hsqldb);
        ImcloudPlugin plugin = new ImcloudPlugin();

        plugin.initializePlugin(null, new File("plugins/imcloud"));
        assertEquals(2, readsOfMamMaxAfterAChange(), "read at start and again after the change");

        plugin.destroyPlugin();
        assertEquals(2, readsOfMamMaxAfterAChange(), "not read again once unloaded");
    }

    @Test
    void aFailedStartLeavesNoListenerBehind() {
        database.when(DbConnectionManager::getDatabaseType).thenReturn(DbConnectionManager.DatabaseType.db2);
        ImcloudPlugin plugin = new ImcloudPlugin();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> plugin.initializePlugin(null, new File("plugins/imcloud")));

        assertEquals("imcloud: starting database failed", e.getMessage());
        assertEquals(1, readsOfMamMaxAfterAChange(), "read at start only: the settings step was undone");
        plugin.destroyPlugin();
    }

    /** Dispatches a change of mam.max as Openfire does; how often the property has been read by then. */
    private int readsOfMamMaxAfterAChange() {
        PropertyEventDispatcher.dispatchEvent(MAM_MAX, EventType.property_set, Map.of("value", "20"));
        return reads.get();
    }
}
