package io.imcloud.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Openfire nodes on this machine made one cluster by Openfire's Hazelcast plugin, over one shared database, as an
 * operator runs Openfire on several servers. Each node is an {@link OpenfireServer} (a copy of the same distribution)
 * with a home of its own, listening on an address of its own: node {@code n} on {@code 127.0.0.n} (Linux routes all
 * of 127.0.0.0/8 to the loopback), since the listener ports are system properties in the shared database and so the
 * same on every node. Per node, in its {@code conf/openfire.xml}: {@code network.interface}, the admin console's ports
 * ({@code 9090 + 2(n-1)} and the next), {@code clustering.enabled}; in its {@code conf/hazelcast-local-config.xml}
 * (which the plugin's own configuration imports): the Hazelcast member port {@code 5700 + n} on the node's address,
 * and TCP-IP join with every member listed (no multicast).
 * <p>
 * The Hazelcast plugin is not part of this project: {@link #hazelcastJar()} names where it is.
 */
public final class OpenfireCluster implements AutoCloseable {

    /** System property naming the Hazelcast plugin's jar; the environment variable of the same purpose is below. */
    public static final String HAZELCAST_JAR_PROPERTY = "imcloud.it.hazelcastJar";
    public static final String HAZELCAST_JAR_ENV = "IMCLOUD_IT_HAZELCAST_JAR";
    public static final Path DEFAULT_HAZELCAST_JAR = Path.of("/opt/openfire-hazelcast/hazelcast.jar");

    private static final int FIRST_MEMBER_PORT = 5701;
    private static final int FIRST_ADMIN_PORT = OpenfireServer.ADMIN_PORT;

    private final List<OpenfireServer> nodes;

    private OpenfireCluster(List<OpenfireServer> nodes) {
        this.nodes = nodes;
    }

    /** The Hazelcast plugin jar: {@value #HAZELCAST_JAR_PROPERTY}, else {@value #HAZELCAST_JAR_ENV}, else the default. */
    public static Path hazelcastJar() {
        String configured = System.getProperty(HAZELCAST_JAR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(HAZELCAST_JAR_ENV);
        }
        return configured == null || configured.isBlank() ? DEFAULT_HAZELCAST_JAR : Path.of(configured);
    }

    /** The address node {@code number} (1-based) listens on. */
    public static String address(int number) {
        return "127.0.0.".concat(Integer.toString(number));
    }

    /**
     * Fresh homes {@code target/openfire-it/{name}-node{n}} for {@code size} nodes set up with {@code database} (which
     * must be one all nodes reach, not the embedded one), with the Hazelcast plugin in {@code plugins/} and
     * {@code properties} in every node's {@code openfire.xml} (the first node's setup copies them to the database).
     * Only the first node's setup creates the plain accounts {@code plainUsers}.
     */
    public static OpenfireCluster prepare(String name, OpenfireDatabase database, int size, Map<String, String> properties,
                                          List<String> plainUsers) throws IOException {
        List<String> members = IntStream.rangeClosed(1, size)
                .mapToObj(n -> address(n) + ":" + (FIRST_MEMBER_PORT + n - 1)).toList();
        List<OpenfireServer> nodes = new ArrayList<>();
        for (int n = 1; n <= size; n++) {
            String address = address(n);
            OpenfireServer.Options options = OpenfireServer.Options.defaults()
                    .listeningOn(address, FIRST_ADMIN_PORT + 2 * (n - 1), FIRST_ADMIN_PORT + 2 * (n - 1) + 1)
                    .withProperty("clustering.enabled", "true")
                    // Hazelcast picks its member address from the machine's interfaces, which know only 127.0.0.1:
                    // these name the node's own and keep its member socket off the other addresses.
                    .withJvmArgs("-Dhazelcast.local.localAddress=" + address, "-Dhazelcast.socket.bind.any=false");
            for (Map.Entry<String, String> property : properties.entrySet()) {
                options = options.withProperty(property.getKey(), property.getValue());
            }
            OpenfireServer node = OpenfireServer.prepare(name + "-node" + n, database, n == 1 ? plainUsers : List.of(),
                    options);
            Files.writeString(node.home().resolve("conf/hazelcast-local-config.xml"),
                    hazelcastConfig(FIRST_MEMBER_PORT + n - 1, members), StandardCharsets.UTF_8);
            node.installPlugin(hazelcastJar(), "hazelcast.jar");
            nodes.add(node);
        }
        return new OpenfireCluster(nodes);
    }

    /** Node {@code number}, 1-based. */
    public OpenfireServer node(int number) {
        return nodes.get(number - 1);
    }

    /** All nodes, the first one first. */
    public List<OpenfireServer> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Installs imcloud's jar on every node and starts the nodes one after the other (the first one sets the shared
     * database up; starting the others at once would race it), each once the one before has loaded imcloud; then
     * waits until every node has seen every other join its cluster.
     *
     * @return each node's log position before its start
     */
    public List<OpenfireServer.LogMark> start(Path imcloudJar, Duration timeout) throws IOException, InterruptedException {
        List<OpenfireServer.LogMark> marks = new ArrayList<>();
        for (OpenfireServer node : nodes) {
            node.installPlugin(imcloudJar);
            OpenfireServer.LogMark mark = node.start();
            node.awaitLog(mark, OpenfireServer.PLUGIN_LOADED, timeout);
            marks.add(mark);
        }
        for (int i = 0; i < nodes.size(); i++) {
            awaitMembers(nodes.get(i), marks.get(i), nodes.size(), timeout);
        }
        return marks;
    }

    /** Waits until {@code node}'s Hazelcast has logged a member list of {@code size} since {@code mark}. */
    public static void awaitMembers(OpenfireServer node, OpenfireServer.LogMark mark, int size, Duration timeout)
            throws IOException, InterruptedException {
        node.awaitLog(mark, "Members {size:" + size + ",", timeout);
    }

    /** Stops the nodes that still run, the last one first. */
    @Override
    public void close() throws InterruptedException {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
    }

    private static String hazelcastConfig(int port, List<String> members) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <hazelcast xmlns="http://www.hazelcast.com/schema/config"
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                           xsi:schemaLocation="http://www.hazelcast.com/schema/config
                           https://www.hazelcast.com/schema/config/hazelcast-config-5.5.xsd">
                    <network>
                        <port auto-increment="false" port-count="1">%d</port>
                        <join>
                            <multicast enabled="false"/>
                            <tcp-ip enabled="true">
                %s
                            </tcp-ip>
                        </join>
                    </network>
                </hazelcast>
                """.formatted(port, members.stream().map(m -> "                <member>" + m + "</member>")
                .collect(Collectors.joining("\n")));
    }
}
