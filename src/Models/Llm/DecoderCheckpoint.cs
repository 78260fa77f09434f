using System.Text.Json;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>Loads and saves decoders as Hugging Face folders (config.json + safetensors), under HF's names.</summary>
public static class DecoderCheckpoint
{
    /// <summary>A causal LM from a LlamaForCausalLM / Qwen2ForCausalLM folder.</summary>
    public static DecoderLanguageModel LoadLanguageModel(string folder, Device? device = null)
    {
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(folder);
        config.Validate();
        var map = DecoderWeightNames.LanguageModel(config);
        HuggingFaceFolder.CheckParameterCount(map, folder, allowNewHead: false);
        var model = TorchGenerators.Holding(() => new DecoderLanguageModel(config));
        Load(model, map, folder, allowNewHead: false, device);
        return model;
    }

    /// <summary>
    /// The <c>config.json</c> key that records a ranker's pooling when it is not the last token. Hugging Face keeps the
    /// key but not its meaning: its sequence classification always pools the last token, so a mean-pooled ranker
    /// scores as saved only here.
    /// </summary>
    public const string PoolingKey = "rankdistill_pooling";

    /// <summary>
    /// A ranker from a folder: a saved ranker (score head included), or a causal LM after CPT, whose
    /// body is kept and whose score head starts fresh (the report lists it as missing). The pooling is
    /// <paramref name="pooling"/> when given (a new ranker), else the one the folder records (<see cref="PoolingKey"/>;
    /// absent: the last token).
    /// </summary>
    public static (DecoderRanker Model, WeightLoadReport Report) LoadRanker(string folder, Device? device = null, DecoderPooling? pooling = null)
    {
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(folder);
        config.Validate();
        var map = DecoderWeightNames.Ranker(config);
        HuggingFaceFolder.CheckParameterCount(map, folder, allowNewHead: true);
        var used = pooling ?? SavedPooling(config, folder);
        var model = TorchGenerators.Holding(() => new DecoderRanker(config, used));
        var report = Load(model, map, folder, allowNewHead: true, device);
        if (DecoderScoreBias.Read(folder) is { } bias)
        {
            using var noGrad = no_grad();
            model.state_dict()["score.bias"].fill_(bias);
        }
        return (model, report);
    }

    public static void Save(DecoderLanguageModel model, string folder, HuggingFaceSaveOptions? options = null) =>
        Save(model, model.Config, DecoderWeightNames.LanguageModel(model.Config), "ForCausalLM", folder, options);

    /// <summary>
    /// Saves a ranker that Hugging Face's Qwen2/LlamaForSequenceClassification loads unchanged: <c>num_labels</c> 1,
    /// <c>pad_token_id</c> the tokenizer's pad (so HF's pooling, the last token that is not pad, reads the end token this
    /// ranker scores), and the score bias beside the weights (<see cref="DecoderScoreBias"/>). The tokenizer's pad must
    /// differ from its end token (<see cref="CheckRankerPadding"/>).
    /// </summary>
    public static void Save(DecoderRanker model, string folder, PairLayout layout, HuggingFaceSaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckRankerPadding(layout);
        var tokens = new Dictionary<string, JsonElement>
        {
            ["pad_token_id"] = JsonSerializer.SerializeToElement(layout.PadId),
            ["eos_token_id"] = JsonSerializer.SerializeToElement(layout.EndId),
        };
        if (model.Pooling != DecoderPooling.LastToken)
            tokens[PoolingKey] = JsonSerializer.SerializeToElement(model.Pooling.ToString());
        Save(model, model.Config, DecoderWeightNames.Ranker(model.Config), "ForSequenceClassification", folder, options, tokens);
        DecoderScoreBias.Write(folder, model.state_dict()["score.bias"].item<float>());
    }

    /// <summary>
    /// Throws unless the tokenizer pads with a token other than its end token. HF's sequence classification pools the
    /// last token that is not <c>pad_token_id</c> (in older transformers versions, the first pad minus one): were the pad the end
    /// token, it would score the token before the end token, not the end token this ranker reads. Check before training.
    /// </summary>
    public static void CheckRankerPadding(PairLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.IsCrossEncoder)
            throw new ArgumentException("a decoder ranker needs a decoder tokenizer's layout, not a cross-encoder's", nameof(layout));
        if (layout.PadId == layout.EndId)
            throw new ArgumentException(
                $"the tokenizer pads with id {layout.PadId}, its end token: a saved ranker would be pooled one token early by Hugging Face. "
                + "Give the tokenizer a pad token of its own (pad_token in tokenizer_config.json, e.g. an unused added token)", nameof(layout));
    }

    private static DecoderPooling SavedPooling(DecoderConfig config, string folder)
    {
        if (config.Extra?.TryGetValue(PoolingKey, out var saved) != true)
            return DecoderPooling.LastToken;
        return saved.ValueKind == JsonValueKind.String && Enum.TryParse<DecoderPooling>(saved.GetString(), ignoreCase: false, out var pooling) && Enum.IsDefined(pooling)
            ? pooling
            : throw new NotSupportedException($"{Path.Combine(folder, "config.json")}: {PoolingKey} '{saved}' is not a pooling this ranker knows ({string.Join(", ", Enum.GetNames<DecoderPooling>())})");
    }

    private static WeightLoadReport Load(nn.Module model, WeightMap map, string folder, bool allowNewHead, Device? device)
    {
        if (device is not null)
            model.to(device);
        return HuggingFaceFolder.LoadWeights(model, map, folder, allowNewHead);
    }

    private static void Save(
        nn.Module model, DecoderConfig config, WeightMap map, string task, string folder, HuggingFaceSaveOptions? options, Dictionary<string, JsonElement>? tokens = null)
    {
        var family = config.ModelType == "qwen2" ? "Qwen2" : "Llama";
        // A key this save decides is dropped first, so that what a loaded config carried cannot outlive the model's own value.
        var extra = new Dictionary<string, JsonElement>((config.Extra ?? []).Where(e => e.Key != PoolingKey))
        {
            ["architectures"] = JsonSerializer.SerializeToElement(new[] { family + task }),
        };
        if (task == "ForSequenceClassification")
        {
            foreach (var (key, value) in HuggingFaceLabels.OneScore)
                extra[key] = value;
        }
        foreach (var (key, value) in tokens ?? [])
            extra[key] = value;
        HuggingFaceFolder.WriteConfig(folder, config with { Extra = extra });
        HuggingFaceFolder.SaveWeights(model, map, folder, options);
    }
}
