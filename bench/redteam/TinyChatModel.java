import dev.bastion.inference.GgmlType;
import dev.bastion.inference.TestModels;
import java.nio.file.Path;

/**
 * Writes the local model bench/redteam serves: the tests' tiny llama shape (2 layers, 256 wide, random weights,
 * Llama 3 chat template) with a 4096-token context so the probes' prompts fit. Run in source-file mode with the
 * inference test classes on the class path: java -cp ... TinyChatModel.java OUT.gguf
 */
public class TinyChatModel {
    public static void main(String[] args) throws Exception {
        TestModels.Shape tiny = TestModels.Shape.tiny("llama");
        TestModels.Shape shape = new TestModels.Shape(tiny.arch(), tiny.dim(), tiny.layers(), tiny.heads(),
                tiny.kvHeads(), tiny.hidden(), tiny.vocab(), 4096, tiny.tied(), tiny.embeddingScale());
        TestModels.write(Path.of(args[0]), shape, GgmlType.Q8_0, 16);
    }
}
