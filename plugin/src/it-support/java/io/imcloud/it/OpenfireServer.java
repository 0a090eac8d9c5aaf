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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.io.FileUtils;

/**
 * A real Openfire 5.1.x, run as its own process from a throw-away copy of the distribution at
 * {@code $OPENFIRE_HOME} (default {@code /opt/openfire}), set up unattended (Openfire's
 * {@code autosetup}): domain {@code localhost}, listeners on 127.0.0.1 (or the address its
 * {@link Options} name), administrator {@code admin}/{@link #ADMIN_PASSWORD}. The distribution itself
 * is never changed.
 * <p>
 * Openfire's listener ports are its defaults (client 5222, HTTP-bind 7070, console 9090), so one
 * server runs on an address at a time; {@link #start()} refuses to start when one of them is taken.
 * Cluster nodes on one machine each listen on an address of their own (127.0.0.1, 127.0.0.2, ...),
 * since Openfire keeps the listener ports in its database, which the nodes share.
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
    /** An ANSI escape sequence that sets a colour (SGR). */
    private static final Pattern ANSI_CODE = Pattern.compile("\u001B\\[[0-9;]*m");

    private final Path home;
    private final Options options;
    private Process process;

    private OpenfireServer(Path home, Options options) {
        this.home = home;
        this.options = options;
    }

    /**
     * Where a server listens and what its {@code conf/openfire.xml} and JVM get besides the setup.
     *
     * @param address         the IP address every listener binds to (Openfire's {@code network.interface})
     * @param adminPort       the admin console's HTTP port ({@code adminConsole.port})
     * @param adminSecurePort the admin console's HTTPS port ({@code adminConsole.securePort})
     * @param properties      more properties of {@code openfire.xml} by their dotted names; autosetup copies all but
     *                        Openfire's XML-only ones (such as {@code clustering.enabled}) to the database's
     *                        system properties, so they are what the plugin reads
     * @param jvmArgs         more options for the server's JVM
     */
    public record Options(String address, int adminPort, int adminSecurePort, Map<String, String> properties,
                          List<String> jvmArgs) {

        public Options {
            properties = Map.copyOf(properties);
            jvmArgs = List.copyOf(jvmArgs);
        }

        /** 127.0.0.1, console on 9090 and 9091, nothing more. */
        public static Options defaults() {
            return new Options("127.0.0.1", ADMIN_PORT, 9091, Map.of(), List.of());
        }

        /** These options listening on {@code address}, with the console on the two ports. */
        public Options listeningOn(String address, int adminPort, int adminSecurePort) {
            return new Options(address, adminPort, adminSecurePort, properties, jvmArgs);
        }

        /** These options with {@code openfire.xml} property {@code name} set to {@code value}. */
        public Options withProperty(String name, String value) {
            Map<String, String> more = new TreeMap<>(properties);
            more.put(name, value);
            return new Options(address, adminPort, adminSecurePort, more, jvmArgs);
        }

        /** These options with {@code args} added to the JVM's command line. */
        public Options withJvmArgs(String... args) {
            List<String> more = new ArrayList<>(jvmArgs);
            more.addAll(List.of(args));
            return new Options(address, adminPort, adminSecurePort, properties, more);
        }
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
        return prepare(name, database, plainUsers, Options.defaults());
    }

    /** As {@link #prepare(String, OpenfireDatabase, List)}, listening and configured as {@code options} say. */
    public static OpenfireServer prepare(String name, OpenfireDatabase database, List<String> plainUsers, Options options)
            throws IOException {
        requireFreePorts(options); // a running server may be using the home about to be replaced
        Path home = Path.of(System.getProperty("imcloud.projectDir", ".")).resolve("target/openfire-it").resolve(name)
                .toAbsolutePath();
        FileUtils.deleteDirectory(home.toFile());
        FileUtils.copyDirectory(distribution().toFile(), home.toFile());
        Files.createDirectories(home.resolve("logs"));
        Files.writeString(home.resolve("conf/openfire.xml"), setupXml(home, database, plainUsers, options),
                StandardCharsets.UTF_8);
        return new OpenfireServer(home, options);
    }

    /** The server's home directory. */
    public Path home() {
        return home;
    }

    /** The IP address the server's listeners bind to. */
    public String address() {
        return options.address();
    }

    /** Puts the plugin jar into {@code plugins/} as {@code imcloud.jar}, as the console's upload does. */
    public void installPlugin(Path jar) throws IOException {
        Files.copy(jar, pluginJar(), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Puts another plugin's jar into {@code plugins/} as {@code fileName} (Openfire names the plugin after it). */
    public void installPlugin(Path jar, String fileName) throws IOException {
        Files.copy(jar, home.resolve("plugins").resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
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
        requireFreePorts(options);
        LogMark mark = mark();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx768m"));
        command.addAll(options.jvmArgs());
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
        while (!accepts(options.address(), CLIENT_PORT) || !accepts(options.address(), HTTP_PORT)) {
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

    /**
     * Kills Openfire with SIGKILL, as a crash or {@code kill -9} does: nothing is unloaded, flushed or closed
     * (a cluster's other nodes learn of it from their connections to it). Waits until the process is gone.
     */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor();
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

    /**
     * The lines of {@code log} (as {@link #logSince} returns it) logged at {@code level} ({@code ERROR}, {@code WARN})
     * that contain {@code text}, ignoring case, without the ANSI colour codes Openfire's log layout puts around the
     * level ({@code %highlight}), which would otherwise hide the level from a word match.
     */
    public static List<String> logLines(String log, String level, String text) {
        Matcher line = Pattern.compile("^.*\\b" + Pattern.quote(level) + "\\b.*$", Pattern.MULTILINE)
                .matcher(ANSI_CODE.matcher(log).replaceAll(""));
        List<String> found = new ArrayList<>();
        String wanted = text.toLowerCase(Locale.ROOT);
        while (line.find()) {
            if (line.group().toLowerCase(Locale.ROOT).contains(wanted)) {
                found.add(line.group());
            }
        }
        return found;
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

    /**
     * Fails when a server answers on the ports a server with {@code options} would use: another Openfire (another run)
     * is running there.
     */
    public static void requireFreePorts(Options options) {
        for (int port : new int[] {CLIENT_PORT, HTTP_PORT, options.adminPort()}) {
            if (accepts(options.address(), port)) {
                throw new IllegalStateException("port " + port + " of " + options.address()
                        + " is taken: another Openfire is running");
            }
        }
    }

    static boolean accepts(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String setupXml(Path home, OpenfireDatabase database, List<String> plainUsers, Options options) {
        StringBuilder users = new StringBuilder();
        for (int i = 0; i < plainUsers.size(); i++) {
            String user = plainUsers.get(i);
            users.append("<user").append(i + 1).append("><username>").append(user).append("</username><password>")
                    .append(user).append("</password></user").append(i + 1).append('>');
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <jive>
                  <adminConsole><port>%d</port><securePort>%d</securePort><interface>%s</interface></adminConsole>
                  <locale>en</locale>
                  <network><interface>%s</interface></network>%s
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
                """.formatted(options.adminPort(), options.adminSecurePort(), options.address(), options.address(),
                propertiesXml(options.properties()), DOMAIN, DOMAIN, database.driver(), database.url(home),
                database.username(), ADMIN_PASSWORD, users);
    }

    /**
     * Dotted property names as {@code openfire.xml} nests them ({@code a.b.c} is {@code <a><b><c>}); names that share
     * a beginning share its elements, since Openfire reads the first element of a name at each level.
     */
    private static String propertiesXml(Map<String, String> properties) {
        Map<String, Object> tree = new TreeMap<>();
        properties.forEach((name, value) -> {
            Map<String, Object> level = tree;
            String[] parts = name.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) level.computeIfAbsent(parts[i], k -> new TreeMap<String, Object>());
                level = next;
            }
            level.put(parts[parts.length - 1], value);
        });
        StringBuilder xml = new StringBuilder();
        appendElements(xml, tree);
        return xml.toString();
    }

    private static void appendElements(StringBuilder xml, Map<String, Object> level) {
        level.forEach((element, content) -> {
            xml.append('<').append(element).append('>');
            if (content instanceof Map<?, ?> children) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nested = (Map<String, Object>) children;
                appendElements(xml, nested);
            } else {
                xml.append(content.toString().replace("&", "&amp;").replace("<", "&lt;"));
            }
            xml.append("</").append(element).append('>');
        });
    }

    /** A position in {@code logs/openfire.log}. */
    public record LogMark(long offset) {
    }
}
