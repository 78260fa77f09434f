using System.Text.Json;
using RankDistill.Models.Checkpoints;
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
    /// A ranker from a folder: a saved ranker (score head included), or a causal LM after CPT, whose
    /// body is kept and whose score head starts fresh (the report lists it as missing).
    /// </summary>
    public static (DecoderRanker Model, WeightLoadReport Report) LoadRanker(string folder, Device? device = null)
    {
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(folder);
        config.Validate();
        var map = DecoderWeightNames.Ranker(config);
        HuggingFaceFolder.CheckParameterCount(map, folder, allowNewHead: true);
        var model = TorchGenerators.Holding(() => new DecoderRanker(config));
        var report = Load(model, map, folder, allowNewHead: true, device);
        return (model, report);
    }

    public static void Save(DecoderLanguageModel model, string folder, HuggingFaceSaveOptions? options = null) =>
        Save(model, model.Config, DecoderWeightNames.LanguageModel(model.Config), "ForCausalLM", folder, options);

    public static void Save(DecoderRanker model, string folder, HuggingFaceSaveOptions? options = null) =>
        Save(model, model.Config, DecoderWeightNames.Ranker(model.Config), "ForSequenceClassification", folder, options);

    private static WeightLoadReport Load(nn.Module model, WeightMap map, string folder, bool allowNewHead, Device? device)
    {
        if (device is not null)
            model.to(device);
        return HuggingFaceFolder.LoadWeights(model, map, folder, allowNewHead);
    }

    private static void Save(nn.Module model, DecoderConfig config, WeightMap map, string task, string folder, HuggingFaceSaveOptions? options)
    {
        var family = config.ModelType == "qwen2" ? "Qwen2" : "Llama";
        var extra = new Dictionary<string, JsonElement>(config.Extra ?? [])
        {
            ["architectures"] = JsonSerializer.SerializeToElement(new[] { family + task }),
        };
        if (task == "ForSequenceClassification")
        {
            // HF infers num_labels = 1 (a regression-style score) from a one-entry label map.
            extra["id2label"] = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["0"] = "LABEL_0" });
            extra["label2id"] = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["LABEL_0"] = 0 });
        }
        HuggingFaceFolder.WriteConfig(folder, config with { Extra = extra });
        HuggingFaceFolder.SaveWeights(model, map, folder, options);
    }
}
