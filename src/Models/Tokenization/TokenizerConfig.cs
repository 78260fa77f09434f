using System.Text.Json.Nodes;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer_config.json</c> (and <c>tokenizer.json</c>) the loader needs:
/// special tokens, lower-casing, the pre-tokenizer pattern. Every field is optional.
/// </summary>
internal sealed class TokenizerConfig
{
    private readonly JsonNode? _config;
    private readonly JsonNode? _fast;

    private TokenizerConfig(JsonNode? config, JsonNode? fast)
    {
        _config = config;
        _fast = fast;
    }

    public static TokenizerConfig Read(string folder)
    {
        static JsonNode? Load(string path) => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
        return new TokenizerConfig(Load(Path.Combine(folder, "tokenizer_config.json")), Load(Path.Combine(folder, "tokenizer.json")));
    }

    /// <summary>A special token's text, written either as a string or as {"content": ...}.</summary>
    public string? Token(string key) => _config?[key] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => o["content"]?.GetValue<string>(),
        _ => null,
    };

    public bool? Flag(string key) => _config?[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>Added tokens (id by text) from tokenizer_config.json's added_tokens_decoder or tokenizer.json's added_tokens.</summary>
    public Dictionary<string, int> AddedTokens()
    {
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_config?["added_tokens_decoder"] is JsonObject decoder)
        {
            foreach (var (id, token) in decoder)
            {
                if (token?["content"]?.GetValue<string>() is { } content && int.TryParse(id, out var n))
                    tokens[content] = n;
            }
        }
        if (_fast?["added_tokens"] is JsonArray added)
        {
            foreach (var token in added)
            {
                if (token?["content"]?.GetValue<string>() is { } content && token["id"]?.GetValue<int>() is { } n)
                    tokens.TryAdd(content, n);
            }
        }
        return tokens;
    }

    /// <summary>The Split regex of tokenizer.json's pre-tokenizer, if it has one.</summary>
    public string? SplitPattern()
    {
        var pre = _fast?["pre_tokenizer"];
        var candidates = pre?["pretokenizers"] is JsonArray list ? list.ToList() : [pre];
        return candidates.Where(p => p?["type"]?.GetValue<string>() == "Split")
            .Select(p => p?["pattern"]?["Regex"]?.GetValue<string>()).FirstOrDefault(r => r is not null);
    }
}
