import dev.bastion.guard.injection.InjectionModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Round fourteen: writes the shipped injection model from a trained model file (its direct model and embedding stage)
 * and the content model of another (weights and threshold), so that a new direct model leaves the judging of tool
 * results unchanged. Prints the thresholds of the result and its description's "composed" part.
 *
 * <pre>
 * java -cp 'app/target/bastion.jar:app/target/lib/*' bench/injection/ComposeModel.java DIRECT.bin.gz CONTENT.bin.gz OUT.bin.gz NOTE
 * </pre>
 */
public final class ComposeModel {
    public static void main(String[] args) throws IOException {
        InjectionModel direct = read(Path.of(args[0]));
        InjectionModel content = read(Path.of(args[1]));
        InjectionModel out = direct.withContentModelOf(content, args[3]);
        try (OutputStream o = Files.newOutputStream(Path.of(args[2]))) {
            out.write(o);
        }
        System.out.printf(Locale.ROOT, "lexical %.4f, stage %.4f, content %.4f%n", out.threshold(false),
                out.threshold(true), out.indirectThreshold(false));
        String d = out.description();
        System.out.println(d.substring(d.lastIndexOf(",\"composed\"")));
    }

    private static InjectionModel read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return InjectionModel.read(in);
        }
    }
}
