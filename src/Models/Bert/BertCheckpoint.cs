using System.Text.Json;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>Loads and saves BERT rankers as Hugging Face folders (config.json + safetensors), under HF's names.</summary>
public static class BertCheckpoint
{
    /// <summary>
    /// A ranker from a BertForSequenceClassification folder, or from a pretrained BERT (bert-base-uncased),
    /// whose classifier then starts fresh (the report lists it as missing). The pooler is used when the
    /// checkpoint has one.
    /// </summary>
    public static (BertRanker Model, WeightLoadReport Report) LoadRanker(string folder, Device? device = null)
    {
        var config = HuggingFaceFolder.ReadConfig<BertConfig>(folder);
        config.Validate();
        var usePooler = HasPooler(folder);
        var map = BertWeightNames.Ranker(config, usePooler);
        HuggingFaceFolder.CheckParameterCount(map, folder, allowNewHead: true);
        var model = TorchGenerators.Holding(() => new BertRanker(config, usePooler));
        if (device is not null)
            model.to(device);
        var report = HuggingFaceFolder.LoadWeights(model, map, folder, allowNewHead: true);
        return (model, report);
    }

    public static void Save(BertRanker model, string folder, HuggingFaceSaveOptions? options = null)
    {
        var extra = new Dictionary<string, JsonElement>(model.Config.Extra ?? [])
        {
            ["architectures"] = JsonSerializer.SerializeToElement(new[] { "BertForSequenceClassification" }),
        };
        foreach (var (key, value) in HuggingFaceLabels.OneScore)
            extra[key] = value;
        HuggingFaceFolder.WriteConfig(folder, model.Config with { Extra = extra });
        HuggingFaceFolder.SaveWeights(model, BertWeightNames.Ranker(model.Config, model.UsesPooler), folder, options);
    }

    /// <summary>
    /// A masked LM from a BertForMaskedLM folder, or from any BERT folder (a pretrained body, a ranker), whose
    /// prediction head then starts fresh (the report lists it as missing).
    /// </summary>
    public static (BertMaskedLm Model, WeightLoadReport Report) LoadMaskedLm(string folder, Device? device = null)
    {
        var config = HuggingFaceFolder.ReadConfig<BertConfig>(folder);
        config.Validate();
        var map = BertWeightNames.MaskedLm(config);
        HuggingFaceFolder.CheckParameterCount(map, folder, allowNewHead: true);
        var model = TorchGenerators.Holding(() => new BertMaskedLm(config));
        if (device is not null)
            model.to(device);
        var report = HuggingFaceFolder.LoadWeights(model, map, folder, allowNewHead: true);
        return (model, report);
    }

    public static void Save(BertMaskedLm model, string folder, HuggingFaceSaveOptions? options = null)
    {
        var extra = new Dictionary<string, JsonElement>(model.Config.Extra ?? [])
        {
            ["architectures"] = JsonSerializer.SerializeToElement(new[] { "BertForMaskedLM" }),
        };
        HuggingFaceFolder.WriteConfig(folder, model.Config with { Extra = extra });
        HuggingFaceFolder.SaveWeights(model, BertWeightNames.MaskedLm(model.Config), folder, options);
    }

    private static bool HasPooler(string folder)
    {
        foreach (var file in HuggingFaceFolder.WeightFiles(folder))
        {
            using var reader = SafeTensorsReader.Open(file);
            if (reader.Entries.Any(e => e.Name is "bert.pooler.dense.weight" or "pooler.dense.weight"))
                return true;
        }
        return false;
    }
}
