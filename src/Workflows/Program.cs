Console.Error.WriteLine("RankDistill host: the pipeline commands (demo, serve, worker, ...) are coming with the pipeline issue.");
return 1;
