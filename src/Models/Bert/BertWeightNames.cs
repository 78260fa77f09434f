using RankDistill.Models.Checkpoints;

namespace RankDistill.Models.Bert;

/// <summary>
/// The one table between Hugging Face BERT tensor names (BertForSequenceClassification, BertForMaskedLM) and ours.
/// Our query/key/value are fused: HF's query is rows [0, C), key [C, 2C), value [2C, 3C).
/// </summary>
internal static class BertWeightNames
{
    private const string PositionIds = "bert.embeddings.position_ids";

    private static readonly string[] _maskedLmHead =
    [
        "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
        "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias", "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
    ];

    private static readonly string[] _nextSentenceHead = ["cls.seq_relationship.weight", "cls.seq_relationship.bias"];

    public static WeightMap Ranker(BertConfig c, bool usePooler)
    {
        var bindings = Body(c);
        if (usePooler)
        {
            // Pretrained BERT ships a pooler, so loading bert-base-uncased fills it; it counts as body.
            bindings.Add(new("bert.pooler.dense.weight", "pooler.weight"));
            bindings.Add(new("bert.pooler.dense.bias", "pooler.bias"));
        }
        bindings.Add(new("classifier.weight", "classifier.weight", Head: true));
        bindings.Add(new("classifier.bias", "classifier.bias", Head: true));
        // position_ids is a buffer older transformers versions saved; the pre-training heads (cls.*) are for MLM/NSP.
        return new WeightMap(bindings, "bert.", [PositionIds, .. _maskedLmHead, .. _nextSentenceHead], Legacy);
    }

    /// <summary>
    /// BertForMaskedLM: the body and the prediction head. The decoder is the word-embedding table (HF saves no copy of
    /// it); a checkpoint without the head (a classifier, a bare BertModel) loads with a new one.
    /// </summary>
    public static WeightMap MaskedLm(BertConfig c)
    {
        var bindings = Body(c);
        bindings.Add(new("cls.predictions.transform.dense.weight", "transform.weight", Head: true));
        bindings.Add(new("cls.predictions.transform.dense.bias", "transform.bias", Head: true));
        bindings.Add(new("cls.predictions.transform.LayerNorm.weight", "transform_norm.weight", Head: true));
        bindings.Add(new("cls.predictions.transform.LayerNorm.bias", "transform_norm.bias", Head: true));
        bindings.Add(new("cls.predictions.bias", "decoder_bias", Head: true));
        // Tied copies of the embedding table and the bias; what other BERT tasks add (pooler, next-sentence and ranking heads).
        string[] ignored = [PositionIds, "cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
            "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias", .. _nextSentenceHead];
        return new WeightMap(bindings, "bert.", ignored, Legacy);
    }

    /// <summary>Embeddings and encoder layers, shared by every BERT model.</summary>
    private static List<WeightBinding> Body(BertConfig c)
    {
        var bindings = new List<WeightBinding>
        {
            new("bert.embeddings.word_embeddings.weight", "embeddings.word.weight"),
            new("bert.embeddings.position_embeddings.weight", "embeddings.position.weight"),
            new("bert.embeddings.token_type_embeddings.weight", "embeddings.token_type.weight"),
            new("bert.embeddings.LayerNorm.weight", "embeddings.norm.weight"),
            new("bert.embeddings.LayerNorm.bias", "embeddings.norm.bias"),
        };
        long d = c.HiddenSize;
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var (hf, our) = ($"bert.encoder.layer.{i}.", $"encoder.layers.{i}.");
            foreach (var kind in new[] { "weight", "bias" })
            {
                bindings.Add(new($"{hf}attention.self.query.{kind}", $"{our}attn.qkv.{kind}", 0, d));
                bindings.Add(new($"{hf}attention.self.key.{kind}", $"{our}attn.qkv.{kind}", d, d));
                bindings.Add(new($"{hf}attention.self.value.{kind}", $"{our}attn.qkv.{kind}", 2 * d, d));
                bindings.Add(new($"{hf}attention.output.dense.{kind}", $"{our}attn.proj.{kind}"));
                bindings.Add(new($"{hf}attention.output.LayerNorm.{kind}", $"{our}attn_norm.{kind}"));
                bindings.Add(new($"{hf}intermediate.dense.{kind}", $"{our}ffn_in.{kind}"));
                bindings.Add(new($"{hf}output.dense.{kind}", $"{our}ffn_out.{kind}"));
                bindings.Add(new($"{hf}output.LayerNorm.{kind}", $"{our}ffn_norm.{kind}"));
            }
        }
        return bindings;
    }

    /// <summary>TF-era checkpoints call LayerNorm's weight and bias gamma and beta; HF renames them on load too.</summary>
    private static string Legacy(string name) =>
        name.EndsWith(".gamma", StringComparison.Ordinal) ? name[..^6] + ".weight"
        : name.EndsWith(".beta", StringComparison.Ordinal) ? name[..^5] + ".bias"
        : name;
}
