package io.imcloud.openfire;

import io.imcloud.sql.ConnectionProvider;
import org.jivesoftware.openfire.container.Plugin;
import org.jivesoftware.openfire.container.PluginManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;

/**
 * The Openfire plugin: wires imcloud's components into Openfire on load and takes every one of
 * them out again on unload. Each component is one {@link LifecycleSteps} step, started in the order
 * below and stopped in reverse; a step that fails stops the ones before it and fails the load.
 * Openfire instantiates this class through its public no-argument constructor.
 */
public final class ImcloudPlugin implements Plugin {

    private static final Logger Log = LoggerFactory.getLogger(ImcloudPlugin.class);

    private final LifecycleSteps steps = new LifecycleSteps();

    /** Openfire's entry point. Never called twice without {@link #destroyPlugin()} in between. */
    @Override
    public void initializePlugin(PluginManager manager, File pluginDirectory) {
        // Openfire 5.x no longer offers PluginManager.getPluginDirectory(Plugin): pluginDirectory is the only handle.
        Log.info("imcloud: starting from {}", pluginDirectory);
        ImcloudSettings settings = steps.start("settings", ImcloudSettings::fromOpenfire, ImcloudSettings::close);
        ConnectionProvider database = steps.start("database", OpenfireConnectionProvider::new, db -> { });
        Log.info("imcloud: started on {} (node {})",
                database.databaseType().scriptName(), settings.get(ImcloudSettings.NODE_ID));
    }

    /** Openfire's exit point: stops what {@link #initializePlugin} started, in reverse order. */
    @Override
    public void destroyPlugin() {
        steps.stopAll();
        Log.info("imcloud: stopped");
    }
}
