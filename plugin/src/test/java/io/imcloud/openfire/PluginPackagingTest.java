package io.imcloud.openfire;

import io.imcloud.testsupport.SchemaScript;
import org.jivesoftware.openfire.container.Plugin;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.servlet.http.HttpServlet;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Openfire reads from the plugin besides the classes: plugin.xml, the i18n bundles, and the
 * settings documentation, which must agree with {@link ImcloudSettings}.
 */
class PluginPackagingTest {

    private static final Path PROJECT = SchemaScript.projectDir();

    @Test
    void descriptorNamesALoadablePluginClass() throws Exception {
        Class<?> pluginClass = Class.forName(descriptorValue("class"));

        assertTrue(Plugin.class.isAssignableFrom(pluginClass));
        assertTrue(Modifier.isPublic(pluginClass.getModifiers()));
        assertTrue(Modifier.isPublic(pluginClass.getConstructor().getModifiers()),
                "Openfire needs a public no-argument constructor");
    }

    /**
     * Openfire 5.1's PluginManager reads these elements (PluginMetadata.getInstance) before the
     * plugin is registered, when its i18n bundle cannot be found yet: a {@code ${key}} there makes
     * the load throw and be abandoned, retried forever. Values must be plain text.
     */
    @Test
    void descriptorElementsReadBeforeRegistrationAreLiteralText() throws Exception {
        Element root = xml(PROJECT.resolve("plugin.xml")).getDocumentElement();
        for (String element : List.of("class", "name", "description", "author", "version", "date",
                "minServerVersion", "priorToServerVersion", "minJavaVersion", "databaseKey", "databaseVersion",
                "licenseType", "csrfProtectionEnabled")) {
            NodeList found = root.getElementsByTagName(element);
            for (int i = 0; i < found.getLength(); i++) {
                String value = found.item(i).getTextContent();
                assertFalse(value.contains("${"), "<" + element + "> must be literal text, found " + value);
            }
        }
        assertFalse(descriptorValue("name").isBlank());
        assertFalse(descriptorValue("description").isBlank());
    }

    @Test
    void descriptorVersionsMatchTheBuildAndTheSchemaScripts() throws Exception {
        assertEquals(System.getProperty("imcloud.version"), descriptorValue("version"));
        assertEquals("imcloud", descriptorValue("databaseKey"));
        String databaseVersion = descriptorValue("databaseVersion");
        try (Stream<Path> scripts = Files.list(PROJECT.resolve("database"))) {
            Set<Path> installScripts = scripts.filter(p -> p.getFileName().toString().matches("imcloud_\\w+\\.sql"))
                    .collect(Collectors.toSet());
            assertFalse(installScripts.isEmpty());
            for (Path script : installScripts) {
                assertTrue(Files.readString(script).contains(
                                "INSERT INTO ofVersion (name, version) VALUES ('imcloud', " + databaseVersion + ");"),
                        script + " installs schema version " + databaseVersion);
            }
        }
    }

    @Test
    void everyI18nKeyOfTheDescriptorExistsInEveryLanguage() throws Exception {
        Matcher keys = Pattern.compile("\\$\\{([^}]+)}").matcher(Files.readString(PROJECT.resolve("plugin.xml")));
        int count = 0;
        while (keys.find()) {
            count++;
            assertTrue(i18n("imcloud_i18n").containsKey(keys.group(1)), keys.group(1));
            assertTrue(i18n("imcloud_i18n_zh_CN").containsKey(keys.group(1)), keys.group(1));
        }
        assertTrue(count > 0);
    }

    /**
     * Openfire prefixes an item's url with {@code plugins/imcloud/} and serves there the servlet
     * that web-custom.xml maps to {@code /url}; the page names the item in its pageID meta element.
     */
    @Test
    void everyConsoleItemIsServedByAServletOfWebCustomXml() throws Exception {
        Document descriptor = xml(PROJECT.resolve("plugin.xml"));
        Document webCustom = xml(PROJECT.resolve("web/WEB-INF/web-custom.xml"));
        Map<String, String> classOfServlet = new TreeMap<>();
        NodeList servlets = webCustom.getElementsByTagName("servlet");
        for (int i = 0; i < servlets.getLength(); i++) {
            Element servlet = (Element) servlets.item(i);
            classOfServlet.put(text(servlet, "servlet-name"), text(servlet, "servlet-class"));
        }
        Map<String, String> servletOfPattern = new TreeMap<>();
        NodeList mappings = webCustom.getElementsByTagName("servlet-mapping");
        for (int i = 0; i < mappings.getLength(); i++) {
            Element mapping = (Element) mappings.item(i);
            servletOfPattern.put(text(mapping, "url-pattern"), text(mapping, "servlet-name"));
        }
        NodeList items = descriptor.getElementsByTagName("item");
        assertTrue(items.getLength() > 0, "the console has at least one page");
        for (int i = 0; i < items.getLength(); i++) {
            Element item = (Element) items.item(i);
            String servletName = servletOfPattern.get("/" + item.getAttribute("url"));
            assertTrue(servletName != null, "web-custom.xml maps /" + item.getAttribute("url"));
            Class<?> servletClass = Class.forName(classOfServlet.get(servletName));
            assertTrue(HttpServlet.class.isAssignableFrom(servletClass));
            assertTrue(Modifier.isPublic(servletClass.getConstructor().getModifiers()), "Openfire needs a public no-argument constructor");
        }
        assertEquals("true", descriptorValue("csrfProtectionEnabled"), "Openfire checks its CSRF token on the console pages");
        // The page's pageID meta element (checked in AppsAdminServletTest) names the item by its url.
        assertEquals("imcloud-apps", ((Element) items.item(0)).getAttribute("id"));
        assertEquals("imcloud-apps", ((Element) items.item(0)).getAttribute("url"));
    }

    @Test
    void languagesHaveTheSameKeys() throws IOException {
        assertEquals(new TreeMap<>(i18n("imcloud_i18n")).keySet(), new TreeMap<>(i18n("imcloud_i18n_zh_CN")).keySet());
    }

    @Test
    void everySettingIsDocumentedWithItsDefault() throws IOException {
        Map<String, String> settings = ImcloudSettings.ALL.stream()
                .collect(Collectors.toMap(Setting::name, s -> String.valueOf(s.defaultValue()), (a, b) -> a, TreeMap::new));

        assertEquals(settings, documented("README.md", "\\|\\s*`(plugin\\.imcloud\\.[^`]+)`\\s*\\|\\s*`([^`]*)`"));
        assertEquals(settings, documented("readme.html",
                "<td><code>(plugin\\.imcloud\\.[^<]+)</code></td>\\s*<td><code>([^<]*)</code></td>"));
        Set<String> describedSettings = i18n("imcloud_i18n").stringPropertyNames().stream()
                .filter(k -> k.startsWith("imcloud.setting."))
                .map(k -> k.substring("imcloud.setting.".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(settings.keySet(), describedSettings);
    }

    private static Map<String, String> documented(String file, String row) throws IOException {
        Matcher m = Pattern.compile(row).matcher(Files.readString(PROJECT.resolve(file)));
        Map<String, String> found = new TreeMap<>();
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    private static Document xml(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Element parent, String child) {
        return parent.getElementsByTagName(child).item(0).getTextContent().trim();
    }

    private static String descriptorValue(String element) throws Exception {
        Document descriptor = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(PROJECT.resolve("plugin.xml").toFile());
        return descriptor.getDocumentElement().getElementsByTagName(element).item(0).getTextContent().trim();
    }

    private static Properties i18n(String bundle) throws IOException {
        Properties properties = new Properties();
        // Openfire reads plugin bundles through ResourceBundle, which reads .properties as UTF-8.
        Path file = PROJECT.resolve("i18n").resolve(bundle + ".properties");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }
}
