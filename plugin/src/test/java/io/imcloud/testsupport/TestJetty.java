package io.imcloud.testsupport;

import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Jetty 12 server on a free port of {@code bindHost}, as the test harnesses start it. Like Openfire with
 * {@code httpbind.forwarded.enabled}, it applies {@code X-Forwarded-For} to {@code getRemoteAddr()}: the harder case,
 * where the plugin must not believe that header from an untrusted peer.
 */
public final class TestJetty {

    private TestJetty() {
    }

    /** Starts a server with {@code handler} listening on a free port of {@code bindHost}. */
    public static Server start(String bindHost, Handler handler) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(bindHost);
        connector.setPort(0);
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
                .addCustomizer(new ForwardedRequestCustomizer());
        server.addConnector(connector);
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start Jetty", e);
        }
        return server;
    }

    /** The port the server listens on. */
    public static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }
}
