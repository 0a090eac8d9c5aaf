package io.imcloud.openfire;

import io.imcloud.rest.ClientAddresses;
import io.imcloud.rest.CorsOrigins;
import io.imcloud.rest.ImcloudServlet;
import io.imcloud.rest.RestSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API on Openfire's HTTP-bind ports: mounts the servlet at {@code plugin.imcloud.http.context}
 * and moves it when that setting changes.
 */
final class RestEndpoint implements AutoCloseable {

    private static final Logger Log = LoggerFactory.getLogger(RestEndpoint.class);

    private final JettyBridge bridge;
    private final ImcloudServlet servlet;
    private JettyBridge.Mount mount;

    /** Serves {@code servlet} at {@code contextPath} through {@code bridge}. */
    RestEndpoint(JettyBridge bridge, ImcloudServlet servlet, String contextPath) {
        this.bridge = bridge;
        this.servlet = servlet;
        this.mount = bridge.mount(contextPath, servlet);
    }

    /** Serves the API at {@code contextPath} from now on (a settings change); the old path answers 404. */
    synchronized void moveTo(String contextPath) {
        if (mount == null || mount.contextPath().equals(contextPath)) {
            return;
        }
        JettyBridge.Mount moved = bridge.mount(contextPath, servlet);
        mount.close();
        mount = moved;
        Log.info("imcloud: REST API moved to {}", contextPath);
    }

    /** Unmounts the servlet. */
    @Override
    public synchronized void close() {
        if (mount != null) {
            mount.close();
            mount = null;
        }
    }

    /** The REST layer's view of the current settings (asked once per request). */
    static RestSettings restSettings(ImcloudSettings settings) {
        int maxTtl = settings.get(ImcloudSettings.TOKEN_MAX_TTL_SECONDS);
        return new RestSettings(
                settings.get(ImcloudSettings.REST_MAX_BODY_BYTES),
                Math.min(settings.get(ImcloudSettings.TOKEN_DEFAULT_TTL_SECONDS), maxTtl),
                maxTtl,
                settings.get(ImcloudSettings.REGISTRATION_PER_SECOND),
                settings.get(ImcloudSettings.REGISTRATION_BURST),
                settings.get(ImcloudSettings.OPEN_REGISTRATION_PER_IP_PER_MINUTE) / 60.0,
                settings.get(ImcloudSettings.OPEN_REGISTRATION_PER_IP_BURST),
                settings.get(ImcloudSettings.MANAGEMENT_ALLOW_REMOTE),
                ClientAddresses.parseAddressList(settings.get(ImcloudSettings.HTTP_TRUSTED_PROXIES)),
                CorsOrigins.parse(settings.get(ImcloudSettings.HTTP_CORS_ORIGINS)).orElse(CorsOrigins.NONE));
    }
}
