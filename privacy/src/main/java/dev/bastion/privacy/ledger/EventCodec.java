package dev.bastion.privacy.ledger;

import dev.bastion.privacy.accounting.PrivacyEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Privacy events as one line of text for storage: {@code pure:EPS}, {@code gaussian:Z:discrete|continuous},
 * {@code subsampled-gaussian:Q:Z:STEPS}, {@code approximate:EPS:DELTA}, separated by {@code ;}. Doubles are written
 * with {@link Double#toString}, which reads back to the same value.
 */
public final class EventCodec {
    private EventCodec() {
    }

    public static String encode(List<PrivacyEvent> events) {
        List<String> parts = new ArrayList<>();
        for (PrivacyEvent e : events) {
            parts.add(switch (e) {
                case PrivacyEvent.PureDp p -> "pure:" + p.epsilon();
                case PrivacyEvent.Gaussian g -> "gaussian:" + g.noiseMultiplier() + ":"
                        + (g.discrete() ? "discrete" : "continuous");
                case PrivacyEvent.SubsampledGaussian s -> "subsampled-gaussian:" + s.samplingRate() + ":"
                        + s.noiseMultiplier() + ":" + s.steps();
                case PrivacyEvent.Approximate a -> "approximate:" + a.epsilon() + ":" + a.delta();
            });
        }
        return String.join(";", parts);
    }

    /** @throws IllegalArgumentException when the text is not a list of events (a corrupt ledger row) */
    public static List<PrivacyEvent> decode(String text) {
        List<PrivacyEvent> events = new ArrayList<>();
        for (String part : text.split(";")) {
            String[] f = part.split(":");
            try {
                events.add(switch (f[0]) {
                    case "pure" -> new PrivacyEvent.PureDp(Double.parseDouble(f[1]));
                    case "gaussian" -> new PrivacyEvent.Gaussian(Double.parseDouble(f[1]), "discrete".equals(f[2]));
                    case "subsampled-gaussian" -> new PrivacyEvent.SubsampledGaussian(Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]), Long.parseLong(f[3]));
                    case "approximate" -> new PrivacyEvent.Approximate(Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]));
                    default -> throw new IllegalArgumentException("unknown privacy event kind '" + f[0] + "'");
                });
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("malformed privacy event '" + part + "'", e);
            }
        }
        return events;
    }
}
