package io.imcloud.openfire;

import org.jivesoftware.openfire.XMPPServer;
import org.jivesoftware.openfire.http.HttpBindManager;
import org.jivesoftware.util.JiveGlobals;

/**
 * The REST API's base URL as XMPP clients are told it (XEP-0363 slots): {@code plugin.imcloud.http.public_url} when
 * set, else this server's host name on Openfire's HTTP-bind port, TLS when Openfire serves it there. The ports are
 * read from their properties by name: the constants that name them changed type between Openfire 4 and 5.
 */
final class PublicUrl {

    private PublicUrl() {
    }

    /** The current base URL, without a trailing '/'. */
    static String of(ImcloudSettings settings) {
        String configured = settings.get(ImcloudSettings.HTTP_PUBLIC_URL);
        if (!configured.isEmpty()) {
            return configured;
        }
        String host = XMPPServer.getInstance().getServerInfo().getHostname();
        String context = settings.get(ImcloudSettings.HTTP_CONTEXT);
        if (HttpBindManager.getInstance().isHttpsBindActive()) {
            return "https://" + host + ":" + JiveGlobals.getIntProperty("httpbind.port.secure", 7443) + context;
        }
        return "http://" + host + ":" + JiveGlobals.getIntProperty("httpbind.port.plain", 7070) + context;
    }
}
