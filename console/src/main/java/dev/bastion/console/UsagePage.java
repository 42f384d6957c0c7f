package dev.bastion.console;

import dev.bastion.gateway.pipeline.UsageRecorder;
import dev.bastion.store.usage.UsageRepository;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Usage by key, tenant, model and day, filtered and paged on the server: the browser gets one page of
 * {@link #PAGE_SIZE} rows. A tenant-bound viewer's tenant filter is fixed to its own tenant.
 *
 * <p>The store answers the filters and the page itself ({@link UsageRepository#page}: the count and one page of rows
 * in SQL), so a page costs the same with a million rows (bench/usage/run.sh and http.sh).
 */
final class UsagePage {
    static final int PAGE_SIZE = 50;

    private final Html html;
    private final UsageRepository usage;
    private final UsageRecorder recorder;

    UsagePage(Html html, UsageRepository usage, UsageRecorder recorder) {
        this.html = html;
        this.usage = usage;
        this.recorder = recorder;
    }

    void show(WebCall call, Viewer viewer) {
        recorder.flush();
        Optional<String> tenant = viewer.tenantScope().or(() -> call.query("tenant"));
        Optional<String> key = call.query("key");
        Optional<String> model = call.query("model");
        Optional<LocalDate> from = date(call.query("from"));
        Optional<LocalDate> to = date(call.query("to"));
        int page = Paging.page(call);
        UsageRepository.Page matching = usage.page(new UsageRepository.Filter(tenant, key, model, from, to),
                (long) (page - 1) * PAGE_SIZE, PAGE_SIZE);
        long end = (long) (page - 1) * PAGE_SIZE + matching.rows().size();
        List<Views.UsageRow> rows = matching.rows().stream()
                .map(u -> new Views.UsageRow(u.day().toString(), u.tenant(), u.keyId(), u.model(), u.requests(),
                        u.promptTokens(), u.completionTokens()))
                .toList();
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("tenant", viewer.tenantScope().isPresent() ? "" : tenant.orElse(""));
        filters.put("key", key.orElse(""));
        filters.put("model", model.orElse(""));
        filters.put("from", from.map(LocalDate::toString).orElse(""));
        filters.put("to", to.map(LocalDate::toString).orElse(""));
        call.html(200, html.render("usage.jte", new Views.Usage(new Views.Chrome("Usage", "usage", Optional.of(viewer)),
                rows, Paging.pager("/usage", filters, page, end < matching.total()), matching.total(), tenant.orElse(""),
                key.orElse(""), model.orElse(""), filters.get("from"), filters.get("to"), viewer.tenantScope().isPresent())));
    }

    private static Optional<LocalDate> date(Optional<String> text) {
        try {
            return text.map(LocalDate::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
