package dev.bastion.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Page numbers from the query string and the links to neighbouring pages, which keep the other filters. A page
 * number is 1 to {@link #MAX_PAGE}; anything else is page 1.
 */
final class Paging {
    static final int MAX_PAGE = 100_000;

    private Paging() {
    }

    static int page(WebCall call) {
        try {
            int p = Integer.parseInt(call.query("page").orElse("1"));
            return p >= 1 && p <= MAX_PAGE ? p : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    static Views.Pager pager(String path, Map<String, String> filters, int page, boolean more) {
        return new Views.Pager(page, page > 1 ? Optional.of(link(path, filters, page - 1)) : Optional.empty(),
                more ? Optional.of(link(path, filters, page + 1)) : Optional.empty());
    }

    static String link(String path, Map<String, String> filters, int page) {
        Map<String, String> q = new LinkedHashMap<>();
        filters.forEach((k, v) -> {
            if (!v.isEmpty()) {
                q.put(k, v);
            }
        });
        q.put("page", Integer.toString(page));
        StringBuilder b = new StringBuilder(path).append('?');
        q.forEach((k, v) -> b.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        return b.substring(0, b.length() - 1);
    }
}
