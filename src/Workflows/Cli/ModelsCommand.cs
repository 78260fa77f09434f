using System.CommandLine;
using RankDistill.Models.Onnx;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>models import-onnx GRAPH VOCAB FOLDER</c>: turns a BERT that PyTorch exported to ONNX (sentence-transformers ship
/// them so) into the Hugging Face folder <c>Pipeline:Student:BaseModel</c> takes, when only the graph is at hand.
/// </summary>
internal sealed class ModelsCommand : IHostCommand
{
    public Command Create()
    {
        var graph = new Argument<FileInfo>("graph") { Description = "The BERT's model.onnx (PyTorch's export of a Hugging Face BertModel)." };
        var vocabulary = new Argument<FileInfo>("vocab") { Description = "Its WordPiece vocab.txt." };
        var folder = new Argument<DirectoryInfo>("folder") { Description = "Where to write config.json, vocab.txt, tokenizer_config.json and model.safetensors." };
        var import = new Command("import-onnx", "Convert a BERT's ONNX graph into a Hugging Face folder (a student base model).") { graph, vocabulary, folder };
        import.SetAction(parseResult =>
        {
            var (graphFile, vocabularyFile, target) = (parseResult.GetValue(graph)!, parseResult.GetValue(vocabulary)!, parseResult.GetValue(folder)!);
            foreach (var file in new[] { graphFile, vocabularyFile })
            {
                if (!file.Exists)
                {
                    parseResult.InvocationConfiguration.Error.WriteLine($"No such file: {file.FullName}");
                    return ExitCodes.Failure;
                }
            }
            try
            {
                var config = BertOnnxImport.ToHuggingFaceFolder(graphFile.FullName, vocabularyFile.FullName, target.FullName);
                parseResult.InvocationConfiguration.Output.WriteLine(
                    $"Wrote {target.FullName}: BERT, {config.NumHiddenLayers} layers, width {config.HiddenSize}, {config.NumAttentionHeads} heads, vocabulary {config.VocabSize}");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or Google.Protobuf.InvalidProtocolBufferException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"{graphFile.FullName}: {e.Message}");
                return ExitCodes.Failure;
            }
        });
        return new Command("models", "Model folders: import a pre-trained BERT from its ONNX graph.") { import };
    }
}
