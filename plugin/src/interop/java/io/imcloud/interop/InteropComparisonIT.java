package io.imcloud.interop;

import io.imcloud.it.OpenfireDatabase;
import io.imcloud.it.OpenfireServer;
import org.igniterealtime.smack.inttest.Configuration;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework;
import org.igniterealtime.smack.inttest.SmackIntegrationTestFramework.TestRunResult;
import org.igniterealtime.smack.inttest.TestResult;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XMPP interoperability, stock against plugin: Smack's integration test framework (the suite
 * Openfire's own CI runs) against a real Openfire ({@code $OPENFIRE_HOME}) without the plugin, then
 * against a fresh copy of the same Openfire with {@code target/imcloud.jar} installed, same settings.
 * Prints both totals and every test that passed on stock but not with the plugin, and fails when
 * there is one. Run with {@code mvn -B -Pinterop verify}.
 */
class InteropComparisonIT {

    private static final int RERUNS = 2;

    @Test
    void everyTestThatPassesOnStockPassesWithThePlugin() throws Exception {
        Assumptions.assumeTrue(OpenfireServer.distributionPresent(),
                "no Openfire distribution at " + OpenfireServer.distribution() + " (set OPENFIRE_HOME)");
        Path jar = Path.of(System.getProperty("imcloud.jar", "target/imcloud.jar"));
        Outcome stock = run("interop-stock", null, null);
        Outcome withPlugin = run("interop-plugin", jar, null);
        Set<String> regressions = new TreeSet<>(stock.passed());
        regressions.removeAll(withPlugin.passed());
        System.out.printf("interop: Openfire %s, stock:       %s%n", OpenfireServer.distributionVersion(), stock);
        System.out.printf("interop: Openfire %s, with plugin: %s%n", OpenfireServer.distributionVersion(), withPlugin);
        regressions.forEach(test -> System.out.println("interop: passes on stock, not with the plugin: " + test));
        Set<String> gained = new TreeSet<>(withPlugin.passed());
        gained.removeAll(stock.passed());
        gained.forEach(test -> System.out.println("interop: passes only with the plugin: " + test));
        Set<String> confirmed = new TreeSet<>();
        for (String test : regressions) {
            if (failsOnlyWithThePluginAgain(test, jar)) {
                confirmed.add(test);
            } else {
                System.out.println("interop: passes with the plugin when run again, a timing-dependent test: " + test);
            }
        }
        assertEquals(Set.of(), confirmed, "tests that pass on stock Openfire but not with the plugin, in every run");
        assertTrue(stock.passed().size() > 0, "the framework ran tests against stock Openfire");
    }

    /** The passed, failed and impossible tests of one run against a fresh server. */
    record Outcome(Set<String> passed, Set<String> failed, int notPossible, Set<String> impossibleClasses) {
        @Override
        public String toString() {
            return passed.size() + " passed, " + failed.size() + " failed, " + notPossible + " not possible, "
                    + impossibleClasses.size() + " test classes impossible " + impossibleClasses
                    + (failed.isEmpty() ? "" : ", failed: " + failed);
        }
    }

    /**
     * Some of the framework's tests depend on timing (PEP notifications, room limits) and fail now and then on either
     * server. A test that passed on stock only is run alone again, {@value #RERUNS} times against each: it is a
     * regression only when each time stock passes it and the plugin fails it.
     */
    private static boolean failsOnlyWithThePluginAgain(String test, Path jar) throws Exception {
        String name = test.replaceFirst(" \\(.*\\)$", "");
        for (int attempt = 1; attempt <= RERUNS; attempt++) {
            boolean stockPasses = run("interop-stock", null, name).passed().contains(test);
            boolean pluginPasses = run("interop-plugin", jar, name).passed().contains(test);
            System.out.printf("interop: %s run alone, attempt %d: stock %s, with plugin %s%n", name, attempt,
                    stockPasses ? "passed" : "failed", pluginPasses ? "passed" : "failed");
            if (pluginPasses || !stockPasses) {
                return false;
            }
        }
        return true;
    }

    private static Outcome run(String name, Path pluginJar, String onlyTest) throws Exception {
        try (OpenfireServer server = OpenfireServer.prepare(name, OpenfireDatabase.embedded(), List.of())) {
            if (pluginJar != null) {
                server.installPlugin(pluginJar);
            }
            OpenfireServer.LogMark started = server.start();
            if (pluginJar != null) {
                server.awaitLog(started, "Successfully loaded plugin 'imcloud", java.time.Duration.ofSeconds(60));
            }
            System.setProperty("sinttest.service", OpenfireServer.DOMAIN);
            System.setProperty("sinttest.host", "127.0.0.1");
            System.setProperty("sinttest.securityMode", "disabled");
            System.setProperty("sinttest.enabledConnections", "tcp");
            System.setProperty("sinttest.replyTimeout", "15000");
            System.setProperty("sinttest.adminAccountUsername", "admin");
            System.setProperty("sinttest.adminAccountPassword", OpenfireServer.ADMIN_PASSWORD);
            if (onlyTest == null) {
                System.clearProperty("sinttest.enabledTests");
            } else {
                System.setProperty("sinttest.enabledTests", onlyTest);
            }
            TestRunResult result = new SmackIntegrationTestFramework(Configuration.newConfiguration(new String[0])).run();
            return new Outcome(names(result.getSuccessfulTests()), names(result.getFailedTests()),
                    result.getNotPossibleTests().size(), result.getImpossibleTestClasses().keySet().stream()
                    .map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    private static Set<String> names(List<? extends TestResult> results) {
        return results.stream().map(r -> r.concreteTest.toString()).collect(Collectors.toCollection(TreeSet::new));
    }
}
