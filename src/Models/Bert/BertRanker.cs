using RankDistill.Models.Checkpoints;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>
/// BERT cross-encoder: <c>[CLS] q [SEP] d [SEP]</c> through the encoder; the [CLS] state, optionally through
/// BERT's pooler (dense + tanh, as HF BertForSequenceClassification does), goes to a one-output classifier.
/// </summary>
public sealed class BertRanker : nn.Module<Tensor, Tensor, Tensor, Tensor>, IRanker
{
    [ComponentName(Name = "embeddings")]
    private readonly BertEmbeddings _embeddings;
    [ComponentName(Name = "encoder")]
    private readonly BertEncoder _encoder;
    [ComponentName(Name = "pooler")]
    private readonly Linear? _pooler;
    [ComponentName(Name = "dropout")]
    private readonly Dropout _dropout;
    [ComponentName(Name = "classifier")]
    private readonly Linear _classifier;

    /// <param name="config">The encoder's shape.</param>
    /// <param name="usePooler">True (HF's layout, so its classification checkpoints load) sends [CLS] through dense + tanh first.</param>
    public BertRanker(BertConfig config, bool usePooler = true) : base(nameof(BertRanker))
    {
        config.Validate();
        Config = config;
        _embeddings = new BertEmbeddings(config);
        _encoder = new BertEncoder(config);
        _pooler = usePooler ? nn.Linear(config.HiddenSize, config.HiddenSize) : null;
        _dropout = nn.Dropout(config.HiddenDropoutProb);
        _classifier = nn.Linear(config.HiddenSize, 1);
        HuggingFaceInit.Apply(_embeddings);
        HuggingFaceInit.Apply(_encoder);
        if (_pooler is not null)
            HuggingFaceInit.Apply(_pooler);
        using (no_grad())
        {
            // As HF starts a new head: N(0, initializer_range 0.02²) weights, zero bias.
            nn.init.normal_(_classifier.weight!, 0, 0.02);
            nn.init.zeros_(_classifier.bias!);
        }
        RegisterComponents();
    }

    public BertConfig Config { get; }

    public bool UsesPooler => _pooler is not null;

    /// <returns>(B) float32 scores.</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var (_, cls) = Encode(inputIds, tokenTypeIds, attentionMask);                                        // (B, C)
        return _classifier.forward(_dropout.forward(cls)).squeeze(-1).MoveToOuterDisposeScope();             // (B)
    }

    /// <summary>
    /// The encoder's last hidden state (B, T, C) and the pooled [CLS] (B, C): through the pooler when there is one, as
    /// HF's BertModel gives them (last_hidden_state, pooler_output); the classifier reads the second.
    /// </summary>
    internal (Tensor Hidden, Tensor Pooled) Encode(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = _encoder.forward(_embeddings.forward(inputIds, tokenTypeIds), attentionMask); // (B, T, C)
        var cls = FirstTokens(h, attentionMask);                                              // (B, C)
        if (_pooler is not null)
            cls = _pooler.forward(cls).tanh();
        return (h.MoveToOuterDisposeScope(), cls.MoveToOuterDisposeScope());
    }

    public Tensor Score(TokenBatch batch)
    {
        using var scope = NewDisposeScope();
        var types = batch.TokenTypeIds ?? zeros_like(batch.InputIds);
        return forward(batch.InputIds, types, batch.AttentionMask).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each row's [CLS]: its first token, wherever left padding puts it. HF reads slot 0, the same under right padding,
    /// which every BERT caller here uses; under left padding HF would pool a pad.
    /// </summary>
    private static Tensor FirstTokens(Tensor h, Tensor attentionMask)
    {
        var first = attentionMask.argmax(1);                               // (B): first 1 in each row
        var idx = first.view(-1, 1, 1).expand(-1, 1, h.shape[2]);          // (B, 1, C)
        return h.gather(1, idx).squeeze(1);                                 // (B, C)
    }
}
