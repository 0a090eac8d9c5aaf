package io.imcloud.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;

/**
 * A real Openfire 5.1.x, run as its own process from a throw-away copy of the distribution at
 * {@code $OPENFIRE_HOME} (default {@code /opt/openfire}), set up unattended (Openfire's
 * {@code autosetup}): domain {@code localhost}, listeners on 127.0.0.1, administrator
 * {@code admin}/{@link #ADMIN_PASSWORD}. The distribution itself is never changed.
 * <p>
 * Openfire's listener ports are its defaults (client 5222, HTTP-bind 7070, console 9090), so one
 * server runs at a time; {@link #start()} refuses to start when one of them is taken.
 */
public final class OpenfireServer implements AutoCloseable {

    /** XMPP domain of every server made here. */
    public static final String DOMAIN = "localhost";
    /** Password of the {@code admin} account autosetup creates. */
    public static final String ADMIN_PASSWORD = "admin-it-Pass1";
    public static final int CLIENT_PORT = 5222;
    public static final int HTTP_PORT = 7070;
    public static final int ADMIN_PORT = 9090;
    static final String PLUGIN_LOADED = "Successfully loaded plugin 'imcloud";
    static final String PLUGIN_UNLOADED = "Successfully unloaded plugin 'imcloud'";

    /** Clock ticks per second of {@code /proc/<pid>/stat} times: fixed at 100 by Linux's user ABI. */
    private static final long USER_HZ = 100;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private Process process;

    private OpenfireServer(Path home) {
        this.home = home;
    }

    /** The distribution to copy: {@code $OPENFIRE_HOME}, else {@code /opt/openfire}. */
    public static Path distribution() {
        String configured = System.getenv("OPENFIRE_HOME");
        return Path.of(configured == null || configured.isBlank() ? "/opt/openfire" : configured);
    }

    /** Whether {@link #distribution()} holds an Openfire to start. */
    public static boolean distributionPresent() {
        return Files.isRegularFile(distribution().resolve("lib/startup.jar"));
    }

    /** The Openfire version of the distribution, read from its server jar's name. */
    public static String distributionVersion() {
        try (Stream<Path> jars = Files.list(distribution().resolve("lib"))) {
            return jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("xmppserver-") && n.endsWith(".jar"))
                    .map(n -> n.substring("xmppserver-".length(), n.length() - ".jar".length()))
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fresh home under {@code target/openfire-it/{name}} (an earlier one of that name is removed),
     * configured for {@code database} and to create the plain accounts {@code plainUsers}
     * (name and password alike) at setup.
     */
    public static OpenfireServer prepare(String name, OpenfireDatabase database, List<String> plainUsers) throws IOException {
        requireFreePorts(); // a running server may be using the home about to be replaced
        Path home = Path.of(System.getProperty("imcloud.projectDir", ".")).resolve("target/openfire-it").resolve(name)
                .toAbsolutePath();
        FileUtils.deleteDirectory(home.toFile());
        FileUtils.copyDirectory(distribution().toFile(), home.toFile());
        Files.createDirectories(home.resolve("logs"));
        Files.writeString(home.resolve("conf/openfire.xml"), setupXml(home, database, plainUsers), StandardCharsets.UTF_8);
        return new OpenfireServer(home);
    }

    /** The server's home directory. */
    public Path home() {
        return home;
    }

    /** Puts the plugin jar into {@code plugins/} as {@code imcloud.jar}, as the console's upload does. */
    public void installPlugin(Path jar) throws IOException {
        Files.copy(jar, pluginJar(), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes {@code plugins/imcloud.jar}, as the console's delete does; Openfire then unloads the plugin. */
    public void removePlugin() throws IOException {
        Files.delete(pluginJar());
    }

    private Path pluginJar() {
        return home.resolve("plugins/imcloud.jar");
    }

    /**
     * Starts Openfire and waits until its HTTP-bind server runs (it starts after the console's plugin)
     * and it accepts clients; the imcloud plugin may still be loading (wait for {@link #PLUGIN_LOADED}).
     *
     * @return the log position before the start, to look for what this start logged
     */
    public LogMark start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        requireFreePorts();
        LogMark mark = mark();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m"));
        // Extra JVM options for Openfire, e.g. -XX:StartFlightRecording=... to profile the server under a benchmark.
        String extra = System.getProperty("openfire.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-DopenfireHome=" + home,
                "-Dopenfire.lib.dir=" + home.resolve("lib"), "-Dlog4j.configurationFile=" + home.resolve("lib/log4j2.xml"),
                "-cp", home.resolve("lib/startup.jar").toString(), "org.jivesoftware.openfire.starter.ServerStarter"));
        process = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("logs/stdout.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        awaitLog(mark, "HTTP bind service started", START_TIMEOUT);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(CLIENT_PORT) || !accepts(HTTP_PORT)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("Openfire does not accept clients; see " + home.resolve("logs"));
            }
            Thread.sleep(200);
        }
        return mark;
    }

    /** Stops Openfire as an operator does (SIGTERM: it unloads its plugins and closes the database) and waits for it. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("Openfire did not stop within " + STOP_TIMEOUT);
        }
        process = null;
    }

    /** CPU time (user + system) the Openfire process has used so far, from {@code /proc}. */
    public Duration cpuTime() throws IOException {
        return ticksToDuration(Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat")));
    }

    /**
     * CPU time (user + system) of each group of Openfire's threads so far, from {@code /proc/<pid>/task}: threads
     * are grouped by name with digits taken out ({@code socket_c2s-handler-3} counts as {@code socket_cNs-handler-N}),
     * so that a benchmark can say which part of the server spent what.
     */
    public Map<String, Duration> cpuTimeByThreadGroup() throws IOException {
        Map<String, Duration> groups = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                String name;
                try {
                    stat = Files.readString(task.resolve("stat"));
                    name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N");
                } catch (IOException ended) {
                    continue; // the thread ended meanwhile
                }
                groups.merge(name, ticksToDuration(stat), Duration::plus);
            }
        }
        return groups;
    }

    private static Duration ticksToDuration(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Duration.ofMillis((Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / USER_HZ);
    }

    /** The current end of {@code logs/openfire.log}. */
    public LogMark mark() throws IOException {
        return new LogMark(Files.exists(log()) ? Files.size(log()) : 0);
    }

    /** What {@code logs/openfire.log} holds after {@code mark}. */
    public String logSince(LogMark mark) throws IOException {
        if (!Files.exists(log())) {
            return "";
        }
        byte[] all = Files.readAllBytes(log());
        int from = (int) Math.min(mark.offset(), all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    /** Waits until the log after {@code mark} contains {@code text}; fails naming it after {@code timeout}. */
    public void awaitLog(LogMark mark, String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logSince(mark).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Openfire did not log '" + text + "' within " + timeout + "; see " + log());
            }
            if (process != null && !process.isAlive()) {
                throw new AssertionError("Openfire exited before logging '" + text + "'; see " + home.resolve("logs"));
            }
            Thread.sleep(250);
        }
    }

    private Path log() {
        return home.resolve("logs/openfire.log");
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void requireFreePorts() {
        for (int port : new int[] {CLIENT_PORT, HTTP_PORT, ADMIN_PORT}) {
            if (accepts(port)) {
                throw new IllegalStateException("port " + port + " is taken: another Openfire is running");
            }
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String setupXml(Path home, OpenfireDatabase database, List<String> plainUsers) {
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < plainUsers.size(); i++) {
            String user = plainUsers.get(i);
            users.append("<user").append(i + 1).append("><username>").append(user).append("</username><password>")
                    .append(user).append("</password></user").append(i + 1).append('>');
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <jive>
                  <adminConsole><port>%d</port><securePort>9091</securePort><interface>127.0.0.1</interface></adminConsole>
                  <locale>en</locale>
                  <network><interface>127.0.0.1</interface></network>
                  <autosetup>
                    <run>true</run>
                    <locale>en</locale>
                    <xmpp><domain>%s</domain><fqdn>%s</fqdn></xmpp>
                    <encryption><algorithm>AES</algorithm><key>imcloudittestkey</key></encryption>
                    <database><mode>standard</mode><defaultProvider>
                      <driver>%s</driver>
                      <serverURL>%s</serverURL>
                      <username>%s</username><password></password>
                      <minConnections>2</minConnections><maxConnections>25</maxConnections><connectionTimeout>1.0</connectionTimeout>
                    </defaultProvider></database>
                    <admin><email>admin@example.com</email><password>%s</password></admin>
                    <authprovider><mode>default</mode></authprovider>
                    <users>%s</users>
                  </autosetup>
                </jive>
                """.formatted(ADMIN_PORT, DOMAIN, DOMAIN, database.driver(), database.url(home), database.username(),
                ADMIN_PASSWORD, users);
    }

    /** A position in {@code logs/openfire.log}. */
    public record LogMark(long offset) {
    }
}
