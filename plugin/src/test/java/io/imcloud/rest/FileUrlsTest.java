package io.imcloud.rest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which URLs count as under a base this server hands out. */
class FileUrlsTest {

    private static final String FILE = "/acme/chat/chatfiles/0b7c7a2e-4d0a-4c1e-9a53-6d1f3e0c2b11";

    @Test
    void aUrlIsUnderItsBaseWhateverTheCaseOfSchemeAndHostAndWhetherTheDefaultPortIsWritten() {
        String base = "https://im.example.com/imcloud";
        assertTrue(FileUrls.isUnder(base + FILE, base));
        assertTrue(FileUrls.isUnder("HTTPS://IM.Example.com:443/imcloud" + FILE + "/voice.amr", base));
        assertTrue(FileUrls.isUnder("  http://im.example.com:7070/imcloud" + FILE + " ", "http://im.example.com:7070/imcloud"));
        assertTrue(FileUrls.isUnder("http://im.example.com" + FILE, "http://im.example.com:80/"));
    }

    @Test
    void anotherHostPortSchemeOrPathIsNot() {
        String base = "https://im.example.com/imcloud";
        for (String url : new String[] {
                "https://tracker.example/imcloud" + FILE,
                "https://im.example.com.tracker.example/imcloud" + FILE,
                "https://im.example.com:8443/imcloud" + FILE,
                "http://im.example.com/imcloud" + FILE,
                "https://im.example.com/imcloudx" + FILE,
                "https://im.example.com/other/imcloud" + FILE,
                "https://im.example.com@tracker.example/imcloud" + FILE,
                "https://user@im.example.com/imcloud" + FILE,
                "/imcloud" + FILE,
                "//im.example.com/imcloud" + FILE,
                "not a url ::",
                ""}) {
            assertFalse(FileUrls.isUnder(url, base), url);
        }
        assertFalse(FileUrls.isUnder("https://im.example.com/imcloud" + FILE, ""), "no base, nothing is under it");
        assertFalse(FileUrls.isUnder(null, base));
    }
}
