<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CloseCodes</name>
    <message>
        <source>Normal closure</source>
        <translation>正常关闭</translation>
    </message>
    <message>
        <source>Going away</source>
        <translation>端点离开</translation>
    </message>
    <message>
        <source>Protocol error</source>
        <translation>协议错误</translation>
    </message>
    <message>
        <source>Unsupported data</source>
        <translation>不支持的数据</translation>
    </message>
    <message>
        <source>No status received</source>
        <translation>未收到状态码</translation>
    </message>
    <message>
        <source>Abnormal closure</source>
        <translation>异常关闭</translation>
    </message>
    <message>
        <source>Invalid payload data</source>
        <translation>无效的载荷数据</translation>
    </message>
    <message>
        <source>Policy violation</source>
        <translation>违反策略</translation>
    </message>
    <message>
        <source>Message too big</source>
        <translation>消息过大</translation>
    </message>
    <message>
        <source>Mandatory extension</source>
        <translation>缺少必需的扩展</translation>
    </message>
    <message>
        <source>Internal error</source>
        <translation>内部错误</translation>
    </message>
    <message>
        <source>Service restart</source>
        <translation>服务重启</translation>
    </message>
    <message>
        <source>Try again later</source>
        <translation>稍后重试</translation>
    </message>
    <message>
        <source>Bad gateway</source>
        <translation>网关错误</translation>
    </message>
    <message>
        <source>TLS handshake failure</source>
        <translation>TLS 握手失败</translation>
    </message>
    <message>
        <source>Registered application code</source>
        <translation>已注册的应用关闭码</translation>
    </message>
    <message>
        <source>Private application code</source>
        <translation>私有应用关闭码</translation>
    </message>
    <message>
        <source>Unknown code</source>
        <translation>未知关闭码</translation>
    </message>
</context>
<context>
    <name>CloseDialog</name>
    <message>
        <source>Close with a code</source>
        <translation>带关闭码关闭</translation>
    </message>
    <message>
        <source>A standard code, or your own from 3000 to 4999</source>
        <translation>标准关闭码，或 3000 到 4999 之间的自定义关闭码</translation>
    </message>
    <message>
        <source>optional, at most %1 bytes of UTF-8</source>
        <translation>可选，UTF-8 编码下最多 %1 字节</translation>
    </message>
    <message>
        <source>&amp;Close connection</source>
        <translation>关闭连接(&amp;C)</translation>
    </message>
    <message>
        <source>C&amp;ode</source>
        <translation>关闭码(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>原因(&amp;R)</translation>
    </message>
    <message>
        <source>%1 cannot be sent: use 1000-1003, 1007-1014 or 3000-4999.</source>
        <translation>不能发送 %1：请使用 1000-1003、1007-1014 或 3000-4999。</translation>
    </message>
    <message>
        <source>The reason is %1 bytes of UTF-8; a Close frame has room for %2.</source>
        <translation>原因为 %1 字节（UTF-8），而 Close 帧最多只能容纳 %2 字节。</translation>
    </message>
    <message>
        <source>%1 of %2 bytes</source>
        <translation>%1 / %2 字节</translation>
    </message>
    <message>
        <source>What fits: &quot;%1&quot;</source>
        <translation>可容纳的部分：“%1”</translation>
    </message>
</context>
<context>
    <name>Collection</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>is missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <source>must be a string</source>
        <translation>必须是字符串</translation>
    </message>
    <message>
        <source>must be true or false</source>
        <translation>必须是 true 或 false</translation>
    </message>
    <message>
        <source>must be a whole number from 0 to %1</source>
        <translation>必须是 0 到 %1 之间的整数</translation>
    </message>
    <message>
        <source>must be an object</source>
        <translation>必须是对象</translation>
    </message>
    <message>
        <source>must be a list</source>
        <translation>必须是列表</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a variable name: use letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos;</source>
        <translation>“%1”不能用作变量名：只能使用字母、数字、“_”、“-”和“.”</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is defined twice</source>
        <translation>“%1”定义了两次</translation>
    </message>
    <message>
        <source>may only name variables, such as {{token}}: a password or token itself is kept in the keyring, not in the file</source>
        <translation>只能引用变量，例如 {{token}}：密码或令牌本身保存在密钥环中，而不是文件里</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of none, basic, bearer</source>
        <translation>“%1”不是 none、basic、bearer 之一</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of text, json, hex, file</source>
        <translation>“%1”不是 text、json、hex、file 之一</translation>
    </message>
    <message>
        <source>folders are nested too deeply</source>
        <translation>文件夹嵌套过深</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not one of folder, profile</source>
        <translation>“%1”不是 folder、profile 之一</translation>
    </message>
    <message>
        <source>line %1, column %2</source>
        <translation>第 %1 行，第 %2 列</translation>
    </message>
    <message>
        <source>Not valid JSON at %1: %2</source>
        <translation>不是有效的 JSON（%1）：%2</translation>
    </message>
    <message>
        <source>A collection is a JSON object; this file holds something else.</source>
        <translation>集合是一个 JSON 对象；此文件里是别的内容。</translation>
    </message>
    <message>
        <source>This is not a wsscope collection: it has no &quot;format&quot;: &quot;%1&quot;.</source>
        <translation>这不是 wsscope 集合：其中没有 &quot;format&quot;: &quot;%1&quot;。</translation>
    </message>
    <message>
        <source>version: must be a whole number from 1 up</source>
        <translation>version：必须是不小于 1 的整数</translation>
    </message>
    <message>
        <source>This collection was written in format version %1; this wsscope reads up to version %2.</source>
        <translation>此集合以格式版本 %1 写成；这个 wsscope 最多读取版本 %2。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is the name of an earlier environment</source>
        <translation>“%1”已是前面某个环境的名称</translation>
    </message>
    <message>
        <source>Cannot read &quot;%1&quot;: %2.</source>
        <translation>无法读取“%1”：%2。</translation>
    </message>
    <message>
        <source>Cannot read the collection &quot;%1&quot;: %2</source>
        <translation>无法读取集合“%1”：%2</translation>
    </message>
    <message>
        <source>Cannot write &quot;%1&quot;: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
    <message>
        <source>The collection has no profile &quot;%1&quot;; it has no profiles at all.</source>
        <translation>集合中没有连接配置“%1”；它根本没有任何连接配置。</translation>
    </message>
    <message>
        <source>The collection has no profile &quot;%1&quot;; it has: %2.</source>
        <translation>集合中没有连接配置“%1”；它有：%2。</translation>
    </message>
    <message>
        <source>Several profiles are named &quot;%1&quot;; name one with its folder: %2.</source>
        <translation>有多个连接配置名为“%1”；请连同文件夹指定其中一个：%2。</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; has a credential in its %2 header; a collection file holds none: put it in a secret variable ({{token}}) or in the Auth tab.</source>
        <translation>连接配置“%1”的 %2 头部含有凭据；集合文件不保存凭据：请把它放进机密变量（{{token}}）或“授权”标签页。</translation>
    </message>
    <message>
        <source>%1 copy</source>
        <translation>%1 副本</translation>
    </message>
</context>
<context>
    <name>CollectionSidebar</name>
    <message>
        <source>Collection</source>
        <translation>集合</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境</translation>
    </message>
    <message>
        <source>Resolved request</source>
        <translation>解析后的请求</translation>
    </message>
    <message>
        <source>Select a profile to see the request it sends.</source>
        <translation>选择一个连接配置，查看它发送的请求。</translation>
    </message>
    <message>
        <source>Cannot be sent as it is:
%1</source>
        <translation>按现在的样子无法发送：
%1</translation>
    </message>
    <message>
        <source>Open in the window</source>
        <translation>在窗口中打开</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>环境：</translation>
    </message>
    <message>
        <source>Move &amp;to</source>
        <translation>移动到(&amp;T)</translation>
    </message>
    <message>
        <source>New &amp;folder…</source>
        <translation>新建文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>New folder</source>
        <translation>新建文件夹</translation>
    </message>
    <message>
        <source>Name of the folder:</source>
        <translation>文件夹名称：</translation>
    </message>
    <message>
        <source>New &amp;profile from the current tab…</source>
        <translation>从当前标签页新建连接配置(&amp;P)…</translation>
    </message>
    <message>
        <source>Keep the URL, request tabs and saved messages of the tab in front as a profile here</source>
        <translation>把前台标签页的 URL、请求标签页和保存的消息作为连接配置保存在这里</translation>
    </message>
    <message>
        <source>&amp;Save the current tab to this profile</source>
        <translation>把当前标签页保存到此连接配置(&amp;S)</translation>
    </message>
    <message>
        <source>Replace this profile&apos;s URL and request tabs with the tab in front&apos;s; fields left as the profile&apos;s variables gave them keep their {{variables}}</source>
        <translation>用前台标签页的 URL 和请求标签页替换此连接配置的；仍是变量所给值的字段保留其 {{变量}}</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>Dup&amp;licate</source>
        <translation>复制一份(&amp;L)</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>复制一份</translation>
    </message>
    <message>
        <source>Move &amp;up</source>
        <translation>上移(&amp;U)</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <source>Move &amp;down</source>
        <translation>下移(&amp;D)</translation>
    </message>
    <message>
        <source>D&amp;elete…</source>
        <translation>删除(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>New folder or profile, rename, duplicate, move or delete</source>
        <translation>新建文件夹或连接配置，重命名、复制、移动或删除</translation>
    </message>
    <message>
        <source>Changed in the window only: this collection was imported; File &gt; Save collection as… keeps it.</source>
        <translation>只在窗口中修改：此集合是导入的；用“文件 &gt; 集合另存为…”保留修改。</translation>
    </message>
    <message>
        <source>No system keyring answered: this profile&apos;s password or token is kept for this session only.</source>
        <translation>系统密钥环没有响应：此连接配置的密码或令牌只在本次会话中保留。</translation>
    </message>
    <message>
        <source>The keyring did not take the profile&apos;s secrets (%1); they are kept for this session only.</source>
        <translation>密钥环未接收此连接配置的机密（%1）；它们只在本次会话中保留。</translation>
    </message>
    <message>
        <source>That folder is no longer there.</source>
        <translation>该文件夹已不存在。</translation>
    </message>
    <message>
        <source>The profile is no longer in the collection.</source>
        <translation>该连接配置已不在集合中。</translation>
    </message>
    <message>
        <source>A name cannot be empty.</source>
        <translation>名称不能为空。</translation>
    </message>
    <message>
        <source>That item is no longer there.</source>
        <translation>该项已不存在。</translation>
    </message>
    <message>
        <source>It cannot go there.</source>
        <translation>不能移到那里。</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Name of the profile:</source>
        <translation>连接配置名称：</translation>
    </message>
    <message numerus="yes">
        <source>Delete the folder &quot;%1&quot; and the %n profile(s) in it?</source>
        <translation>
            <numerusform>删除文件夹“%1”及其中的 %n 个连接配置？</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete the profile &quot;%1&quot; and its saved messages?</source>
        <translation>删除连接配置“%1”及其保存的消息？</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>The top of the collection</source>
        <translation>集合顶层</translation>
    </message>
    <message>
        <source>&amp;Variables and environments…</source>
        <translation>变量和环境(&amp;V)…</translation>
    </message>
    <message>
        <source>The collection&apos;s variables, its environments and the values each one overrides</source>
        <translation>集合的变量、它的环境以及每个环境覆盖的值</translation>
    </message>
    <message>
        <source>No system keyring answered: the secret variables&apos; values are kept for this session only.</source>
        <translation>系统密钥环没有响应：机密变量的值只在本次会话中保留。</translation>
    </message>
    <message>
        <source>The keyring did not take the secret variables&apos; values (%1); they are kept for this session only.</source>
        <translation>密钥环未接收机密变量的值（%1）；它们只在本次会话中保留。</translation>
    </message>
    <message>
        <source>Variables and environments</source>
        <translation>变量和环境</translation>
    </message>
    <message>
        <source>The environment whose values override the collection&apos;s; choosing another applies it at once to every tab opened from a profile</source>
        <translation>其值覆盖集合默认值的环境；选择另一个会立即应用到每个从连接配置打开的标签页</translation>
    </message>
    <message>
        <source>No environment</source>
        <translation>不使用环境</translation>
    </message>
    <message>
        <source>The collection&apos;s own values, without an environment&apos;s</source>
        <translation>只用集合自己的值，不用任何环境的值</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>wsscope: connect to a WebSocket server, send messages, and see the handshake and every message.

With --batch there is no window: wsscope connects to URL, sends the messages in the order given,
waits for the --expect messages, closes (with 1000, or --close-code), saves the --save files, and prints one line:
messages and bytes each way, the time taken and how the connection closed. Exit status: 0 when
all went well; 1 when the connection or its handshake failed, the server closed before the
expected messages arrived, the time ran out, a file could not be saved, or (with --strict) the
capture found the protocol broken on the wire; 2 for bad usage.
Without --batch the same options apply to the window&apos;s connection, and the window stays open.</source>
        <translation>wsscope：连接到 WebSocket 服务器，发送消息，查看握手过程和每一条消息。

使用 --batch 时不打开窗口：wsscope 连接到 URL，按给出的顺序发送消息，
等待 --expect 指定的消息，关闭连接（关闭码为 1000 或 --close-code 的值），保存 --save 文件，并输出一行：
每个方向的消息数和字节数、耗时以及连接的关闭方式。退出状态：
0 表示一切正常；1 表示连接或其握手失败、服务器在预期的消息到达前关闭了连接、
超时、有文件无法保存，或（使用 --strict 时）抓包数据显示线路上有违反协议的情况；
2 表示用法有误。
不使用 --batch 时，同样的选项作用于窗口中的连接，且窗口保持打开。</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>显示此帮助并退出。</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>显示版本并退出。</translation>
    </message>
    <message>
        <source>Connect to URL as soon as the window opens.</source>
        <translation>窗口打开后立即连接到 URL。</translation>
    </message>
    <message>
        <source>Run without a window: connect to URL, send, wait for --expect, close, save, print a summary and exit.</source>
        <translation>不打开窗口运行：连接到 URL，发送消息，等待 --expect，关闭连接，保存文件，输出摘要后退出。</translation>
    </message>
    <message>
        <source>Send the header &quot;Name: value&quot; with the upgrade request (repeatable, in order).</source>
        <translation>随升级请求发送头部“Name: value”（可重复，按顺序发送）。</translation>
    </message>
    <message>
        <source>HEADER</source>
        <translation>HEADER</translation>
    </message>
    <message>
        <source>Offer the subprotocol NAME in Sec-WebSocket-Protocol (repeatable, in order).</source>
        <translation>在 Sec-WebSocket-Protocol 中提供子协议 NAME（可重复，按顺序排列）。</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>Send ORIGIN as the Origin header.</source>
        <translation>发送 Origin 头部，值为 ORIGIN。</translation>
    </message>
    <message>
        <source>ORIGIN</source>
        <translation>ORIGIN</translation>
    </message>
    <message>
        <source>Send TEXT as a text message once the connection is open (repeatable; --send, --send-hex and --send-file are sent in the order given; each implies --connect).</source>
        <translation>连接建立后将 TEXT 作为文本消息发送（可重复；--send、--send-hex 和 --send-file 按给出的顺序发送；均隐含 --connect）。</translation>
    </message>
    <message>
        <source>TEXT</source>
        <translation>TEXT</translation>
    </message>
    <message>
        <source>Send a binary message of the bytes HEX (pairs of hex digits, separated or not by spaces, commas, colons or 0x).</source>
        <translation>发送由字节 HEX 组成的二进制消息（每两位十六进制数字为一个字节，可用空格、逗号、冒号或 0x 分隔，也可不分隔）。</translation>
    </message>
    <message>
        <source>HEX</source>
        <translation>HEX</translation>
    </message>
    <message>
        <source>Send the contents of the file PATH as a binary message.</source>
        <translation>将文件 PATH 的内容作为二进制消息发送。</translation>
    </message>
    <message>
        <source>PATH</source>
        <translation>PATH</translation>
    </message>
    <message>
        <source>Wait until N messages were received, then close with 1000. Fewer before the server closes or the time runs out is a failure.</source>
        <translation>等到收到 N 条消息后，以关闭码 1000 关闭。若在服务器关闭或超时之前收到的消息不足 N 条，则视为失败。</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>Give the whole run at most SEC seconds (fractions allowed), then close; with --batch the default is %1 s.</source>
        <translation>整个运行最多持续 SEC 秒（可为小数），然后关闭；使用 --batch 时默认为 %1 秒。</translation>
    </message>
    <message>
        <source>SEC</source>
        <translation>SEC</translation>
    </message>
    <message>
        <source>When the connection has ended, save it to PATH in the format its ending names: .jsonl (session file), .har, .pcapng or .txt (repeatable).</source>
        <translation>连接结束后，将其保存到 PATH，格式由扩展名决定：.jsonl（会话文件）、.har、.pcapng 或 .txt（可重复）。</translation>
    </message>
    <message>
        <source>Write the values of Authorization, Cookie, Set-Cookie and Proxy-Authorization as asterisks: in --save files, and in the window in every file it writes (saved sessions, exports, the crash journal), which also keeps the credentials typed in the request tabs out of its settings.</source>
        <translation>将 Authorization、Cookie、Set-Cookie 和 Proxy-Authorization 的值写为星号：用于 --save 文件，以及窗口写入的所有文件（已保存的会话、导出文件、崩溃恢复日志）；这样在请求标签页中输入的凭据也不会保存到设置中。</translation>
    </message>
    <message>
        <source>Also fail (exit 1) when the capture found the protocol broken on the wire: a masked server frame, a close code that may not be sent, a fragmented control frame and the like. The findings are printed on stderr either way.</source>
        <translation>抓包数据显示线路上有违反协议的情况时也视为失败（退出码 1）：服务器帧带掩码、使用了不允许发送的关闭码、控制帧被分片等。无论是否指定此选项，发现的问题都会输出到 stderr。</translation>
    </message>
    <message>
        <source>Show the saved session FILE (.jsonl), read-only, instead of connecting.</source>
        <translation>以只读方式显示已保存的会话 FILE（.jsonl），而不进行连接。</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FILE</translation>
    </message>
    <message>
        <source>With --serve, also accept upgrades from web pages at ORIGIN, such as https://example.com (repeatable; * accepts any). Without it, only clients that send no Origin and pages on this machine (http or https on 127.0.0.1, localhost or [::1], file://, null) may connect; others get 403.</source>
        <translation>与 --serve 一起使用时，还接受来自 ORIGIN 网页的升级请求，例如 https://example.com（可重复；* 表示接受任意来源）。不指定时，只有不发送 Origin 的客户端和本机上的网页（127.0.0.1、localhost 或 [::1] 上的 http 或 https，file://，null）可以连接；其他请求会收到 403。</translation>
    </message>
    <message>
        <source>Connect even when the server&apos;s TLS certificate does not verify.</source>
        <translation>即使服务器的 TLS 证书未通过验证，也照常连接。</translation>
    </message>
    <message>
        <source>Trust the certificate authorities in the PEM file PATH as well as the system&apos;s.</source>
        <translation>除系统的证书颁发机构外，还信任 PEM 文件 PATH 中的证书颁发机构。</translation>
    </message>
    <message>
        <source>Present the client certificate in PATH for mutual TLS: a PEM certificate (with --key, unless the file holds the key too) or a PKCS#12 file (.p12 or .pfx, with --cert-passphrase).</source>
        <translation>为双向 TLS 出示 PATH 中的客户端证书：PEM 证书（需配合 --key，除非该文件同时包含私钥）或 PKCS#12 文件（.p12 或 .pfx，需配合 --cert-passphrase）。</translation>
    </message>
    <message>
        <source>The private key (PEM, RSA or EC) of a PEM --cert.</source>
        <translation>PEM 格式 --cert 的私钥（PEM 编码，RSA 或 EC）。</translation>
    </message>
    <message>
        <source>Connect through the proxy URL: http://[user:password@]host:port (HTTP CONNECT), socks5://[user:password@]host:port, system (the system&apos;s proxy) or none (the default).</source>
        <translation>通过代理 URL 连接：http://[user:password@]host:port（HTTP CONNECT）、socks5://[user:password@]host:port、system（系统代理）或 none（默认）。</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Speak LANGUAGE in the window and on the terminal: en (English) or zh_CN (Simplified Chinese). Without it, the language chosen in the window&apos;s Help menu, else the system&apos;s.</source>
        <translation>在窗口和终端中使用 LANGUAGE 语言：en（英语）或 zh_CN（简体中文）。未指定时，使用窗口“帮助”菜单中选择的语言，若未选择则使用系统语言。</translation>
    </message>
    <message>
        <source>LANGUAGE</source>
        <translation>LANGUAGE</translation>
    </message>
    <message>
        <source>Send a ping every SEC seconds while the connection is open (fractions allowed); each pong gives a round-trip time.</source>
        <translation>连接期间每 SEC 秒发送一次 Ping（可为小数）；每收到一个 Pong 即得到一次往返时间。</translation>
    </message>
    <message>
        <source>When a ping gets no pong within SEC seconds, the connection is dead: abort it (with --batch, a failure).</source>
        <translation>Ping 发出后 SEC 秒内未收到 Pong 时，视为连接已失效并中止连接（使用 --batch 时视为失败）。</translation>
    </message>
    <message>
        <source>In the window, when the connection ends without you closing it (dropped, closed by the server, refused, dead), connect again, at most ATTEMPTS times in a row (0: no limit).</source>
        <translation>在窗口中，当连接并非由你关闭而结束时（断线、被服务器关闭、被拒绝、失效），自动重连，最多连续 ATTEMPTS 次（0：不限次数）。</translation>
    </message>
    <message>
        <source>ATTEMPTS</source>
        <translation>ATTEMPTS</translation>
    </message>
    <message>
        <source>Wait SEC seconds before the first reconnect, twice as long before each next one (default 1).</source>
        <translation>首次重连前等待 SEC 秒，此后每次等待时间翻倍（默认 1）。</translation>
    </message>
    <message>
        <source>Wait at most SEC seconds between reconnects (default 30).</source>
        <translation>两次重连之间最多等待 SEC 秒（默认 30）。</translation>
    </message>
    <message>
        <source>Accept messages of at most BYTES bytes from the server (default %1); a larger one is refused with a Close of 1009.</source>
        <translation>只接受服务器发来的不超过 BYTES 字节的消息（默认 %1）；更大的消息会被拒绝，并以关闭码 1009 关闭连接。</translation>
    </message>
    <message>
        <source>BYTES</source>
        <translation>BYTES</translation>
    </message>
    <message>
        <source>Give up on connecting when the WebSocket handshake has not completed within SEC seconds (default %1).</source>
        <translation>WebSocket 握手在 SEC 秒内未完成时放弃连接（默认 %1）。</translation>
    </message>
    <message>
        <source>Close with CODE (1000-1003, 1007-1014 or 3000-4999) when the run is done (default 1000).</source>
        <translation>运行结束时以关闭码 CODE（1000-1003、1007-1014 或 3000-4999）关闭（默认 1000）。</translation>
    </message>
    <message>
        <source>CODE</source>
        <translation>CODE</translation>
    </message>
    <message>
        <source>Send TEXT (at most 123 bytes of UTF-8) as the reason of that close.</source>
        <translation>将 TEXT（UTF-8 编码下最多 123 字节）作为此次关闭的原因发送。</translation>
    </message>
    <message>
        <source>ws:// or wss:// URL to put in the URL bar, or to connect to with --batch.</source>
        <translation>要填入 URL 栏的 ws:// 或 wss:// URL，或使用 --batch 时要连接的 URL。</translation>
    </message>
    <message>
        <source>wsscope does not speak &quot;%1&quot;; --lang takes en or zh_CN.</source>
        <translation>wsscope 不支持语言“%1”；--lang 可取 en 或 zh_CN。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a port: give a number from 0 to 65535.</source>
        <translation>“%1”不是有效端口：请给出 0 到 65535 之间的数字。</translation>
    </message>
    <message>
        <source>Bad --allow-origin &quot;%1&quot;: %2</source>
        <translation>--allow-origin“%1”无效：%2</translation>
    </message>
    <message>
        <source>--allow-origin applies to the echo server of --serve; give --serve too (the window&apos;s echo server follows the setting %1).</source>
        <translation>--allow-origin 仅作用于 --serve 的回显服务器；请同时指定 --serve（窗口中的回显服务器遵循设置项 %1）。</translation>
    </message>
    <message>
        <source>Give --open at most once; more files can be opened from the window.</source>
        <translation>--open 最多只能指定一次；更多文件可在窗口中打开。</translation>
    </message>
    <message>
        <source>--open shows a saved session; it cannot be combined with --%1.</source>
        <translation>--open 用于显示已保存的会话，不能与 --%1 同时使用。</translation>
    </message>
    <message>
        <source>--open shows a saved session; it cannot be combined with a URL.</source>
        <translation>--open 用于显示已保存的会话，不能与 URL 同时使用。</translation>
    </message>
    <message>
        <source>--open needs the name of a session file.</source>
        <translation>--open 需要会话文件的名称。</translation>
    </message>
    <message>
        <source>Give at most one URL; got %1 arguments.</source>
        <translation>最多只能给出一个 URL，但给出了 %1 个参数。</translation>
    </message>
    <message>
        <source>Bad URL &quot;%1&quot;: %2</source>
        <translation>URL“%1”无效：%2</translation>
    </message>
    <message>
        <source>--batch needs the URL to connect to.</source>
        <translation>--batch 需要指定要连接的 URL。</translation>
    </message>
    <message>
        <source>Give --%1 at most once; got %2.</source>
        <translation>--%1 最多只能指定一次，但指定了 %2 次。</translation>
    </message>
    <message>
        <source>--%1 needs a value.</source>
        <translation>--%1 需要一个值。</translation>
    </message>
    <message>
        <source>--key is the key of a PEM --cert; give the --cert too.</source>
        <translation>--key 是 PEM 格式 --cert 的私钥；请同时指定 --cert。</translation>
    </message>
    <message>
        <source>--cert-passphrase is for a PKCS#12 --cert or an encrypted --key; give the --cert too.</source>
        <translation>--cert-passphrase 用于 PKCS#12 格式的 --cert 或加密的 --key；请同时指定 --cert。</translation>
    </message>
    <message>
        <source>Bad --proxy: %1</source>
        <translation>--proxy 无效：%1</translation>
    </message>
    <message>
        <source>Bad --header &quot;%1&quot;: write it as &quot;Name: value&quot;.</source>
        <translation>--header“%1”无效：请写成“Name: value”的形式。</translation>
    </message>
    <message>
        <source>give the origin with --origin, not as a header.</source>
        <translation>请用 --origin 指定 Origin，而不是作为头部给出。</translation>
    </message>
    <message>
        <source>give each subprotocol with --protocol, not as a header.</source>
        <translation>请用 --protocol 逐个指定子协议，而不是作为头部给出。</translation>
    </message>
    <message>
        <source>Bad --header &quot;%1&quot;: %2</source>
        <translation>--header“%1”无效：%2</translation>
    </message>
    <message>
        <source>Bad --protocol &quot;%1&quot;: a subprotocol name is one word of letters, digits and !#$%&amp;&apos;*+-.^_`|~, with no spaces or commas.</source>
        <translation>--protocol“%1”无效：子协议名称必须是一个单词，只能由字母、数字和 !#$%&amp;&apos;*+-.^_`|~ 组成，不能包含空格或逗号。</translation>
    </message>
    <message>
        <source>--protocol %1 is given twice.</source>
        <translation>--protocol %1 指定了两次。</translation>
    </message>
    <message>
        <source>Give --origin at most once; got %1.</source>
        <translation>--origin 最多只能指定一次，但指定了 %1 次。</translation>
    </message>
    <message>
        <source>--origin needs a value, for example https://example.com.</source>
        <translation>--origin 需要一个值，例如 https://example.com。</translation>
    </message>
    <message>
        <source>Bad --origin &quot;%1&quot;: it holds a line break or another control character.</source>
        <translation>--origin“%1”无效：其中包含换行符或其他控制字符。</translation>
    </message>
    <message>
        <source>--max-message-size needs a number of bytes from 1 to %1; &quot;%2&quot; is not one.</source>
        <translation>--max-message-size 需要 1 到 %1 之间的字节数；“%2”不是有效值。</translation>
    </message>
    <message>
        <source>Cannot send --send-file &quot;%1&quot;: %2 (the largest message, set with --max-message-size).</source>
        <translation>无法发送 --send-file“%1”：%2（即最大消息大小，可用 --max-message-size 设置）。</translation>
    </message>
    <message>
        <source>Cannot read --send-file &quot;%1&quot;: %2.</source>
        <translation>无法读取 --send-file“%1”：%2。</translation>
    </message>
    <message>
        <source>Give --expect at most once; got %1.</source>
        <translation>--expect 最多只能指定一次，但指定了 %1 次。</translation>
    </message>
    <message>
        <source>--expect needs a number of messages (0 or more); &quot;%1&quot; is not one.</source>
        <translation>--expect 需要一个消息数（0 或更大）；“%1”不是有效值。</translation>
    </message>
    <message>
        <source>--%1 needs a number of seconds greater than 0 and at most %2; &quot;%3&quot; is not one.</source>
        <translation>--%1 需要一个大于 0 且不超过 %2 的秒数；“%3”不是有效值。</translation>
    </message>
    <message>
        <source>Give --timeout at most once; got %1.</source>
        <translation>--timeout 最多只能指定一次，但指定了 %1 次。</translation>
    </message>
    <message>
        <source>--save needs a file name ending in .jsonl, .har, .pcapng or .txt.</source>
        <translation>--save 需要一个以 .jsonl、.har、.pcapng 或 .txt 结尾的文件名。</translation>
    </message>
    <message>
        <source>Cannot --save &quot;%1&quot;: the name must end in .jsonl (session file), .har, .pcapng or .txt to say the format.</source>
        <translation>无法按 --save 保存“%1”：文件名必须以 .jsonl（会话文件）、.har、.pcapng 或 .txt 结尾，以指明格式。</translation>
    </message>
    <message>
        <source>--save &quot;%1&quot; is given twice.</source>
        <translation>--save“%1”指定了两次。</translation>
    </message>
    <message>
        <source>--reconnect needs a number of attempts (0: no limit); &quot;%1&quot; is not one.</source>
        <translation>--reconnect 需要一个尝试次数（0：不限次数）；“%1”不是有效值。</translation>
    </message>
    <message>
        <source>--reconnect applies to the window; a --batch run follows one connection.</source>
        <translation>--reconnect 仅作用于窗口；--batch 运行只处理一次连接。</translation>
    </message>
    <message>
        <source>--%1 applies to reconnecting; give --reconnect too.</source>
        <translation>--%1 用于重连；请同时指定 --reconnect。</translation>
    </message>
    <message>
        <source>--reconnect-max-delay (%1 s) is shorter than --reconnect-delay (%2 s).</source>
        <translation>--reconnect-max-delay（%1 秒）短于 --reconnect-delay（%2 秒）。</translation>
    </message>
    <message>
        <source>--close-code &quot;%1&quot; cannot be sent as a close code: use 1000-1003, 1007-1014 or 3000-4999.</source>
        <translation>--close-code“%1”不能作为关闭码发送：请使用 1000-1003、1007-1014 或 3000-4999。</translation>
    </message>
    <message>
        <source>--close-reason is %1 bytes of UTF-8; at most %2 fit in a Close frame.</source>
        <translation>--close-reason 为 %1 字节（UTF-8）；Close 帧最多只能容纳 %2 字节。</translation>
    </message>
    <message>
        <source>--mask-secrets applies to --save files; give at least one --save.</source>
        <translation>--mask-secrets 作用于 --save 文件；请至少指定一个 --save。</translation>
    </message>
    <message>
        <source>Read connection profiles from FILE: a wsscope collection, or an Insomnia JSON export (format 4).</source>
        <translation>从 FILE 读取连接配置：wsscope 集合，或 Insomnia 的 JSON 导出（格式 4）。</translation>
    </message>
    <message>
        <source>Connect as the collection&apos;s profile NAME (or FOLDER/NAME): its URL, request and messages to send on open; the other options add to it or replace its settings.</source>
        <translation>按集合中的连接配置 NAME（或 FOLDER/NAME）连接：使用其 URL、请求和连接打开时发送的消息；其他选项会补充或替换它的设置。</translation>
    </message>
    <message>
        <source>Fill the profile&apos;s {{variables}} from the collection&apos;s environment NAME.</source>
        <translation>用集合中的环境 NAME 填充连接配置里的 {{变量}}。</translation>
    </message>
    <message>
        <source>Set the variable NAME to VALUE, over the collection&apos;s and the environment&apos;s (repeatable).</source>
        <translation>把变量 NAME 设为 VALUE，优先于集合和环境中的值（可重复）。</translation>
    </message>
    <message>
        <source>NAME=VALUE</source>
        <translation>NAME=VALUE</translation>
    </message>
    <message>
        <source>Give either a URL or --collection with --profile, not both.</source>
        <translation>请给出 URL，或给出 --collection 与 --profile，不能同时给出。</translation>
    </message>
    <message>
        <source>--%1 chooses from a collection; give --collection too.</source>
        <translation>--%1 从集合中选择；请同时给出 --collection。</translation>
    </message>
    <message>
        <source>Give --collection, --profile and --env at most once each.</source>
        <translation>--collection、--profile 和 --env 各自最多给出一次。</translation>
    </message>
    <message>
        <source>--collection needs the name of a collection file.</source>
        <translation>--collection 需要一个集合文件的名称。</translation>
    </message>
    <message>
        <source>Cannot read --collection &quot;%1&quot;: %2.</source>
        <translation>无法读取 --collection “%1”：%2。</translation>
    </message>
    <message>
        <source>Cannot read the Insomnia export &quot;%1&quot;: %2</source>
        <translation>无法读取 Insomnia 导出“%1”：%2</translation>
    </message>
    <message>
        <source>Cannot read the collection &quot;%1&quot;: %2</source>
        <translation>无法读取集合“%1”：%2</translation>
    </message>
    <message>
        <source>--profile: %1</source>
        <translation>--profile：%1</translation>
    </message>
    <message>
        <source>The collection &quot;%1&quot; has no profiles.</source>
        <translation>集合“%1”中没有连接配置。</translation>
    </message>
    <message>
        <source>Choose a profile with --profile; the collection has: %1.</source>
        <translation>请用 --profile 选择一个连接配置；集合中有：%1。</translation>
    </message>
    <message>
        <source>--env: the collection has no environment &quot;%1&quot;; it has none.</source>
        <translation>--env：集合中没有环境“%1”；它没有任何环境。</translation>
    </message>
    <message>
        <source>--env: the collection has no environment &quot;%1&quot;; it has: %2.</source>
        <translation>--env：集合中没有环境“%1”；它有：%2。</translation>
    </message>
    <message>
        <source>Bad --var &quot;%1&quot;: write it as NAME=VALUE, the name of letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos;.</source>
        <translation>--var “%1”有误：请写成 NAME=VALUE，名称由字母、数字、“_”、“-”和“.”组成。</translation>
    </message>
    <message>
        <source>--var %1: the collection defines no variable &quot;%1&quot; and the profile does not use one.</source>
        <translation>--var %1：集合中没有定义变量“%1”，连接配置也没有用到它。</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be sent:
%2</source>
        <translation>无法发送连接配置“%1”：
%2</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be sent: %2</source>
        <translation>无法发送连接配置“%1”：%2</translation>
    </message>
    <message>
        <source>--header %1: the profile sends %2 already.</source>
        <translation>--header %1：连接配置已经发送了 %2。</translation>
    </message>
    <message>
        <source>--protocol %1: the profile offers it already.</source>
        <translation>--protocol %1：连接配置已经提供了它。</translation>
    </message>
    <message>
        <source>With --serve, refuse every upgrade with the HTTP status CODE (such as 400, 401 with WWW-Authenticate, 403, 404, 426, or 503 with Retry-After) and a short body, to see how a client takes it.</source>
        <translation>与 --serve 一起使用：以 HTTP 状态 CODE（如 400、带 WWW-Authenticate 的 401、403、404、426，或带 Retry-After 的 503）和一段简短正文拒绝每个升级请求，以观察客户端如何应对。</translation>
    </message>
    <message>
        <source>With --serve, refuse an upgrade without the header &quot;Name: value&quot; (repeatable): 401 for Authorization, else 400.</source>
        <translation>与 --serve 一起使用：拒绝没有头部“Name: value”的升级请求（可重复）：Authorization 回 401，其他回 400。</translation>
    </message>
    <message>
        <source>With --serve, serve wss:// with the certificate in FILE: PEM (its chain may follow it), or PKCS#12 (.p12, .pfx) holding the key too.</source>
        <translation>与 --serve 一起使用：用 FILE 中的证书提供 wss://：PEM（其后可跟证书链），或同时含有密钥的 PKCS#12（.p12、.pfx）。</translation>
    </message>
    <message>
        <source>With --serve and a PEM --tls-cert, the private key in FILE (PEM); not needed when the certificate&apos;s file holds it.</source>
        <translation>与 --serve 和 PEM 格式的 --tls-cert 一起使用：FILE 中的私钥（PEM）；证书文件中已含私钥时不需要。</translation>
    </message>
    <message>
        <source>--serve runs only the server; it cannot be combined with --%1 or any other option about a connection.</source>
        <translation>--serve 只运行服务器，不能与 --%1 或其他任何关于连接的选项同用。</translation>
    </message>
    <message>
        <source>Give --%1 at most once.</source>
        <translation>--%1 最多给出一次。</translation>
    </message>
    <message>
        <source>it is not a number.</source>
        <translation>它不是数字。</translation>
    </message>
    <message>
        <source>Bad --answer-status &quot;%1&quot;: %2</source>
        <translation>--answer-status“%1”有误：%2</translation>
    </message>
    <message>
        <source>Bad --require-header &quot;%1&quot;: write it as &quot;Name: value&quot;, on one line.</source>
        <translation>--require-header“%1”有误：请写成一行“Name: value”。</translation>
    </message>
    <message>
        <source>--tls-key goes with --tls-cert.</source>
        <translation>--tls-key 需与 --tls-cert 一起使用。</translation>
    </message>
    <message>
        <source>--%1 is about the server of --serve; give --serve too.</source>
        <translation>--%1 用于 --serve 的服务器；请同时给出 --serve。</translation>
    </message>
    <message>
        <source>Open the window with a server tab already listening on 127.0.0.1 at PORT (0 or none: the OS chooses).</source>
        <translation>打开窗口，其中有一个已在 127.0.0.1 的 PORT 端口（0 或不给：由系统选择）上监听的服务器标签页。</translation>
    </message>
    <message>
        <source>--%1 takes at most one PORT.</source>
        <translation>--%1 最多接受一个 PORT。</translation>
    </message>
    <message>
        <source>Give --serve (no window) or --listen (the window), not both.</source>
        <translation>请给出 --serve（无窗口）或 --listen（窗口）之一，不要同时给出。</translation>
    </message>
    <message>
        <source>--listen opens the window with a server tab; it cannot be combined with --%1.</source>
        <translation>--listen 打开带服务器标签页的窗口，不能与 --%1 同用。</translation>
    </message>
    <message>
        <source>Run only the server, without a window, on 127.0.0.1 at PORT (0 or none: the OS chooses): it echoes every message, prints its URL on the first line of stdout and each client&apos;s handshake as one line on stderr. With --save, every client&apos;s bytes, frames and messages are saved when it stops (SIGINT, SIGTERM or --timeout); --protocol names the subprotocols it requires and answers; --send, --send-hex and --send-file go to each client as soon as it is upgraded; --max-message-size bounds what a client may send (default %1 bytes).</source>
        <translation>只运行服务器，不打开窗口，监听 127.0.0.1 的 PORT 端口（0 或不给：由系统选择）：它回显每条消息，在 stdout 第一行打印其 URL，并在 stderr 上为每个客户端的握手打印一行。使用 --save 时，在它停止（SIGINT、SIGTERM 或 --timeout）时保存每个客户端的字节、帧和消息；--protocol 指定它要求并回应的子协议；--send、--send-hex 和 --send-file 在每个客户端升级完成后立即发给它；--max-message-size 限定客户端可发送的消息大小（默认 %1 字节）。</translation>
    </message>
    <message>
        <source>With --serve, how each client&apos;s message is answered: echo (the default), silent, all (every --reply-text and --reply-hex, in order) or turn (the first of them to the first message, the next to the next, and round again).</source>
        <translation>与 --serve 一起使用：如何回应客户端的每条消息：echo（回显，默认）、silent（不回应）、all（按顺序发送每个 --reply-text 和 --reply-hex）或 turn（第一条消息回应其中第一个，下一条回应下一个，用完后从头再来）。</translation>
    </message>
    <message>
        <source>MODE</source>
        <translation>MODE</translation>
    </message>
    <message>
        <source>With --serve, answer with the text message TEXT (repeatable; with --reply-hex, in the order given; implies --reply all unless --reply says turn).</source>
        <translation>与 --serve 一起使用：以文本消息 TEXT 回应（可重复；与 --reply-hex 一起按给出的顺序；除非 --reply 指定 turn，否则等同于 --reply all）。</translation>
    </message>
    <message>
        <source>With --serve, answer with a binary message of the bytes HEX.</source>
        <translation>与 --serve 一起使用：以由字节 HEX 组成的二进制消息回应。</translation>
    </message>
    <message>
        <source>Give --max-message-size at most once.</source>
        <translation>--max-message-size 最多只能给一次。</translation>
    </message>
    <message>
        <source>Bad --%1 &quot;%2&quot;: %3</source>
        <translation>--%1“%2”无效：%3</translation>
    </message>
    <message>
        <source>--tls-passphrase goes with --tls-cert.</source>
        <translation>--tls-passphrase 需与 --tls-cert 一起使用。</translation>
    </message>
    <message>
        <source>Bad --reply &quot;%1&quot;: give echo, silent, all or turn.</source>
        <translation>--reply“%1”无效：请给 echo、silent、all 或 turn。</translation>
    </message>
    <message>
        <source>--reply %1 answers with the messages of --reply-text and --reply-hex; give at least one.</source>
        <translation>--reply %1 以 --reply-text 和 --reply-hex 的消息回应；请至少给出一条。</translation>
    </message>
    <message>
        <source>--reply %1 sends no --reply-text or --reply-hex; leave them out, or say all or turn.</source>
        <translation>--reply %1 不发送 --reply-text 或 --reply-hex；请去掉它们，或改用 all 或 turn。</translation>
    </message>
    <message>
        <source>With --serve, --max-message-size takes at most %1 bytes.</source>
        <translation>与 --serve 一起使用时，--max-message-size 最多为 %1 字节。</translation>
    </message>
    <message>
        <source>With --serve, the passphrase of a PKCS#12 --tls-cert or of an encrypted --tls-key. Other users can read it in the process list; WSSCOPE_TLS_PASSPHRASE in the environment is read when it is not given.</source>
        <translation>与 --serve 一起使用：PKCS#12 格式的 --tls-cert 或加密的 --tls-key 的口令。其他用户能在进程列表中看到它；不给出时读取环境变量 WSSCOPE_TLS_PASSPHRASE。</translation>
    </message>
    <message>
        <source>The passphrase of a PKCS#12 --cert or of an encrypted --key. Other users can read it in the process list; WSSCOPE_CERT_PASSPHRASE in the environment is read when it is not given.</source>
        <translation>PKCS#12 格式 --cert 或加密 --key 的口令。其他用户能在进程列表中看到它；不给出时读取环境变量 WSSCOPE_CERT_PASSPHRASE。</translation>
    </message>
    <message>
        <source>it is a folder</source>
        <translation>它是一个文件夹</translation>
    </message>
    <message>
        <source>the folder %1 does not exist</source>
        <translation>文件夹 %1 不存在</translation>
    </message>
    <message>
        <source>it cannot be written there</source>
        <translation>那里不能写入</translation>
    </message>
    <message>
        <source>Cannot --save &quot;%1&quot;: %2.</source>
        <translation>无法 --save &quot;%1&quot;：%2。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
    <message>
        <source>Send f&amp;ile…</source>
        <translation>发送文件(&amp;I)…</translation>
    </message>
    <message>
        <source>Message to send. Ctrl+Enter sends.</source>
        <translation>要发送的消息。按 Ctrl+Enter 发送。</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Binary (hex)</source>
        <translation>二进制（十六进制）</translation>
    </message>
    <message>
        <source>Ping (payload)</source>
        <translation>Ping（载荷）</translation>
    </message>
    <message>
        <source>Send the message as a text frame, or as a binary frame from hex digits like &quot;0a ff 10&quot;.</source>
        <translation>将消息作为文本帧发送，或将“0a ff 10”这样的十六进制数字作为二进制帧发送。</translation>
    </message>
    <message>
        <source>Message format</source>
        <translation>消息格式</translation>
    </message>
    <message>
        <source>Send the message (Ctrl+Enter)</source>
        <translation>发送消息（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Send a file as one binary message; it may be as large as the largest message the connection accepts.</source>
        <translation>将文件作为一条二进制消息发送；文件大小最多可达该连接所接受的最大消息大小。</translation>
    </message>
    <message>
        <source>Send a file</source>
        <translation>发送文件</translation>
    </message>
    <message>
        <source>%1 is not sent: %2 (the largest message the connection accepts).</source>
        <translation>%1 未发送：%2（该连接所接受的最大消息大小）。</translation>
    </message>
    <message>
        <source>%1 cannot be sent: %2.</source>
        <translation>无法发送 %1：%2。</translation>
    </message>
    <message numerus="yes">
        <source>%1 sent (%n byte(s)).</source>
        <translation>
            <numerusform>已发送 %1（%n 字节）。</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 bytes: a ping&apos;s payload has room for %2.</source>
        <translation>%1 / %2 字节：Ping 载荷最多只能容纳 %2 字节。</translation>
    </message>
    <message>
        <source>Connect to send.</source>
        <translation>连接后即可发送。</translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of %2 bytes</source>
        <translation>%1 / %2 字节</translation>
    </message>
</context>
<context>
    <name>ConnectionPane</name>
    <message>
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <source>Cl&amp;ose</source>
        <translation>关闭(&amp;O)</translation>
    </message>
    <message>
        <source>ws://host:port/path or wss://…</source>
        <translation>ws://host:port/path 或 wss://…</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>WebSocket URL (Ctrl+L). Enter connects.</source>
        <translation>WebSocket URL（Ctrl+L）。按 Enter 连接。</translation>
    </message>
    <message>
        <source>&amp;URL</source>
        <translation>URL(&amp;U)</translation>
    </message>
    <message>
        <source>Open the connection (Enter in the URL bar)</source>
        <translation>打开连接（在 URL 栏中按 Enter）</translation>
    </message>
    <message>
        <source>Close the connection with 1000 (Normal closure), or cancel an attempt. Ctrl+Alt+W closes with a code and a reason.</source>
        <translation>以 1000（正常关闭）关闭连接，或取消正在进行的连接尝试。按 Ctrl+Alt+W 可指定关闭码和原因后关闭。</translation>
    </message>
    <message>
        <source>Closed · 1006 Abnormal closure</source>
        <translation>已关闭 · 1006 异常关闭</translation>
    </message>
    <message>
        <source>Re&amp;quest</source>
        <translation>请求(&amp;Q)</translation>
    </message>
    <message>
        <source>Query parameters, headers, authorization, subprotocols and origin (Ctrl+R)</source>
        <translation>查询参数、头部、授权、子协议和 Origin（Ctrl+R）</translation>
    </message>
    <message>
        <source>Message log</source>
        <translation>消息日志</translation>
    </message>
    <message>
        <source>Wire timeline</source>
        <translation>线路时间线</translation>
    </message>
    <message>
        <source>&amp;Message</source>
        <translation>消息(&amp;M)</translation>
    </message>
    <message>
        <source>Handshake of connection</source>
        <translation>连接的握手</translation>
    </message>
    <message>
        <source>Each connection of this session keeps its handshake (reconnects included).</source>
        <translation>本会话的每个连接都保留各自的握手（包括重连）。</translation>
    </message>
    <message>
        <source>Han&amp;dshake</source>
        <translation>握手(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Wire</source>
        <translation>线路(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Timing</source>
        <translation>计时(&amp;T)</translation>
    </message>
    <message>
        <source>Li&amp;ve</source>
        <translation>实时(&amp;V)</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>No message matches the filter.</source>
        <translation>没有与过滤条件匹配的消息。</translation>
    </message>
    <message>
        <source>This session has no messages.</source>
        <translation>此会话没有消息。</translation>
    </message>
    <message>
        <source>Connected. Type a message below and press Ctrl+Enter to send it.</source>
        <translation>已连接。在下方输入消息，按 Ctrl+Enter 发送。</translation>
    </message>
    <message>
        <source>Click Connect to talk to the built-in echo server, or type the URL of your own server (ws:// or wss://).</source>
        <translation>点击“连接”与内置回显服务器通信，或输入你自己的服务器的 URL（ws:// 或 wss://）。</translation>
    </message>
    <message>
        <source>Click Connect (or press Enter in the URL bar) to open the connection.</source>
        <translation>点击“连接”（或在 URL 栏中按 Enter）打开连接。</translation>
    </message>
    <message>
        <source>A direct connection has no capture: turn on Connection → Capture the wire to see every frame.</source>
        <translation>直连时没有抓包数据：打开“连接 → 捕获线路数据”即可看到每一帧。</translation>
    </message>
    <message>
        <source>Every frame that crosses the wire appears here, both ways, with its mask and length.</source>
        <translation>双向经过线路的每一帧都会显示在这里，并附带其掩码和长度。</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>无应答</translation>
    </message>
    <message>
        <source>Connection %1, %2: %3</source>
        <translation>连接 %1，%2：%3</translation>
    </message>
    <message>
        <source>TLS details are known only through the tap, not on a direct connection.</source>
        <translation>TLS 详情只能通过本地中继获知，直连时无法获取。</translation>
    </message>
    <message>
        <source>The TLS handshake has not completed.</source>
        <translation>TLS 握手尚未完成。</translation>
    </message>
    <message>
        <source>No TLS: this is a ws:// connection.</source>
        <translation>无 TLS：这是 ws:// 连接。</translation>
    </message>
    <message>
        <source>%1 ms between the selected rows</source>
        <translation>所选行之间相隔 %1 ms</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) selected</source>
        <translation>
            <numerusform>已选择 %n 行</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 %2, %n byte(s)</source>
        <translation>
            <numerusform>%1 %2，%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Open session</source>
        <translation>打开会话</translation>
    </message>
    <message>
        <source>%1 cannot be opened: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 was read only in part. %2</source>
        <translation>%1 仅读取了一部分。%2</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) read from %1</source>
        <translation>
            <numerusform>已从 %1 读取 %n 行</numerusform>
        </translation>
    </message>
    <message>
        <source>A saved session keeps messages, not frames: these frames are rebuilt from the log, one per message, with made-up masks.</source>
        <translation>已保存的会话只保留消息，不保留帧：这里的帧是根据日志重建的，每条消息一帧，掩码为虚构值。</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>%1: the name must end in .jsonl, .har, .pcapng or .txt.</source>
        <translation>%1：文件名必须以 .jsonl、.har、.pcapng 或 .txt 结尾。</translation>
    </message>
    <message>
        <source>Saving %1…</source>
        <translation>正在保存 %1…</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s (attempt %2)</source>
        <translation>%1 秒后重连（第 %2 次尝试）</translation>
    </message>
    <message>
        <source>No system keyring answered: the passwords and tokens of this connection are kept for this session only (File menu: keep secrets in the settings file).</source>
        <translation>没有系统密钥环响应：这个连接的密码和令牌只在本次会话中保留（“文件”菜单：把机密保存在设置文件中）。</translation>
    </message>
    <message>
        <source>The keyring did not take the secrets of this connection (%1); they are kept for this session only.</source>
        <translation>密钥环没有接收这个连接的机密（%1）；它们只在本次会话中保留。</translation>
    </message>
    <message>
        <source>The saved messages cannot be read: %1</source>
        <translation>无法读取保存的消息：%1</translation>
    </message>
    <message>
        <source>This profile comes from an imported file: its messages are not saved.</source>
        <translation>这个连接配置来自导入的文件：它的消息不会保存。</translation>
    </message>
    <message>
        <source>The collection was not written: %1</source>
        <translation>集合没有写入：%1</translation>
    </message>
    <message>
        <source>The saved messages belong to a URL: type one first.</source>
        <translation>保存的消息属于某个 URL：请先输入一个 URL。</translation>
    </message>
    <message>
        <source>The saved messages were not written: %1</source>
        <translation>保存的消息没有写入：%1</translation>
    </message>
    <message>
        <source>A ping is not kept among the saved messages; choose Text or Binary (hex).</source>
        <translation>Ping 不能作为保存的消息；请选择文本或二进制（hex）。</translation>
    </message>
    <message>
        <source>The profile &quot;%1&quot; cannot be sent: %2</source>
        <translation>无法发送连接配置“%1”：%2</translation>
    </message>
    <message>
        <source>Profile &quot;%1&quot;</source>
        <translation>连接配置“%1”</translation>
    </message>
    <message>
        <source>Profile &quot;%1&quot; with the environment &quot;%2&quot;</source>
        <translation>连接配置“%1”，环境“%2”</translation>
    </message>
    <message>
        <source>No more reconnecting.</source>
        <translation>不再重连。</translation>
    </message>
    <message>
        <source>There is no open connection to close.</source>
        <translation>当前没有可关闭的连接。</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Saved session · read-only</source>
        <translation>已保存的会话 · 只读</translation>
    </message>
    <message>
        <source>Closed · %1 %2</source>
        <translation>已关闭 · %1 %2</translation>
    </message>
    <message>
        <source>No session journal: %1</source>
        <translation>没有会话恢复日志：%1</translation>
    </message>
    <message>
        <source>Echo server</source>
        <translation>回显服务器</translation>
    </message>
    <message>
        <source>New connection</source>
        <translation>新连接</translation>
    </message>
    <message>
        <source>A profile needs a URL: type one first.</source>
        <translation>连接配置需要 URL：请先输入。</translation>
    </message>
    <message>
        <source>The profile was not kept: %1</source>
        <translation>连接配置未保存：%1</translation>
    </message>
    <message>
        <source>The profile was not saved: %1</source>
        <translation>连接配置未保存：%1</translation>
    </message>
    <message>
        <source>Saved to the profile &quot;%1&quot;</source>
        <translation>已保存到连接配置“%1”</translation>
    </message>
    <message>
        <source>The Recent collection cannot be read: %1</source>
        <translation>无法读取“最近”集合：%1</translation>
    </message>
    <message>
        <source>The options of this URL were not kept: %1</source>
        <translation>未能保存此 URL 的选项：%1</translation>
    </message>
    <message>
        <source>The profile was not kept: a field holds the value of a secret variable; put the variable ({{name}}) there instead.</source>
        <translation>连接配置未保存：某个字段含有机密变量的值；请改为在那里使用变量（{{name}}）。</translation>
    </message>
    <message>
        <source>The profile was not saved: a field holds the value of a secret variable; put the variable ({{name}}) there instead.</source>
        <translation>连接配置未保存：某个字段含有机密变量的值；请改为在那里使用变量（{{name}}）。</translation>
    </message>
    <message>
        <source>A client of the server · read-only</source>
        <translation>服务器的一个客户端 · 只读</translation>
    </message>
</context>
<context>
    <name>EchoServer</name>
    <message>
        <source>it holds a line break or another control character.</source>
        <translation>含有换行符或其他控制字符。</translation>
    </message>
    <message>
        <source>it is empty.</source>
        <translation>为空。</translation>
    </message>
    <message>
        <source>an origin is a scheme, a host and maybe a port, such as https://example.com or http://localhost:3000, with no path; null and * (any origin) are allowed too.</source>
        <translation>Origin 由协议、主机和可选的端口组成，例如 https://example.com 或 http://localhost:3000，不带路径；也可以是 null 和 *（任意 Origin）。</translation>
    </message>
    <message>
        <source>Refused an upgrade with 403: the origin &quot;%1&quot; is not on this machine and not allowed.</source>
        <translation>已以 403 拒绝升级：Origin “%1”不属于本机，且未被允许。</translation>
    </message>
    <message>
        <source>Refused the connection from %1 with 503: %2 clients are connected already.</source>
        <translation>已以 503 拒绝来自 %1 的连接：已有 %2 个客户端连接。</translation>
    </message>
    <message>
        <source>Dropped the client %1: it has not read its echoes for %2 s.</source>
        <translation>已断开客户端 %1：它已有 %2 秒未读取回显数据。</translation>
    </message>
    <message>
        <source>Dropped the client %1: %2 bytes of echoes were waiting for it.</source>
        <translation>已断开客户端 %1：有 %2 字节的回显数据在等待它读取。</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Rege&amp;x</source>
        <translation>正则(&amp;X)</translation>
    </message>
    <message>
        <source>Search payloads (Ctrl+F)</source>
        <translation>搜索载荷（Ctrl+F）</translation>
    </message>
    <message>
        <source>Search payloads</source>
        <translation>搜索载荷</translation>
    </message>
    <message>
        <source>Treat the search as a regular expression (Perl syntax)</source>
        <translation>将搜索内容视为正则表达式（Perl 语法）</translation>
    </message>
    <message>
        <source>All directions</source>
        <translation>所有方向</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Direction filter</source>
        <translation>方向过滤</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>所有类型</translation>
    </message>
    <message>
        <source>Data (text, binary)</source>
        <translation>数据（文本、二进制）</translation>
    </message>
    <message>
        <source>Control (ping, pong)</source>
        <translation>控制（Ping、Pong）</translation>
    </message>
    <message>
        <source>Events (open, close, error)</source>
        <translation>事件（打开、关闭、错误）</translation>
    </message>
    <message>
        <source>All but pings and pongs</source>
        <translation>除 Ping 和 Pong 外的全部</translation>
    </message>
    <message>
        <source>Kind filter</source>
        <translation>类型过滤</translation>
    </message>
    <message>
        <source>Matching: 99,999 of 99,999 rows</source>
        <translation>匹配 99,999 行（共 99,999 行）</translation>
    </message>
    <message>
        <source>Rows in the log</source>
        <translation>日志中的行数</translation>
    </message>
    <message numerus="yes">
        <source>%Ln row(s)</source>
        <translation>
            <numerusform>%Ln 行</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Matching: %1 of %Ln row(s)</source>
        <translation>
            <numerusform>匹配 %1 行（共 %Ln 行）</numerusform>
        </translation>
    </message>
    <message>
        <source>(searching, %1 %)</source>
        <translation>（正在搜索，%1%）</translation>
    </message>
</context>
<context>
    <name>FrameDecoder</name>
    <message>
        <source>Frame at byte %1 has a 64-bit length with the most significant bit set; nothing after it can be decoded.</source>
        <translation>位于字节 %1 处的帧使用 64 位长度，但其最高有效位为 1；该帧之后的内容均无法解码。</translation>
    </message>
</context>
<context>
    <name>HandshakeInspector</name>
    <message numerus="yes">
        <source>(%n character(s) in all)</source>
        <translation>
            <numerusform>（共 %n 个字符）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n byte(s) in all)</source>
        <translation>
            <numerusform>（共 %n 字节）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n byte(s), not UTF-8)</source>
        <translation>
            <numerusform>（%n 字节，非 UTF-8）</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message numerus="yes">
        <source>(%n more header(s) in the Text tab)</source>
        <translation>
            <numerusform>（其余 %n 个头部见“文本”标签页）</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy &amp;value</source>
        <translation>复制值(&amp;V)</translation>
    </message>
    <message>
        <source>Copy &amp;all</source>
        <translation>全部复制(&amp;A)</translation>
    </message>
    <message>
        <source>Request headers</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>Response headers</source>
        <translation>响应头</translation>
    </message>
    <message>
        <source>Upgrade request</source>
        <translation>升级请求</translation>
    </message>
    <message>
        <source>Server response</source>
        <translation>服务器响应</translation>
    </message>
    <message>
        <source>Sec-WebSocket-Accept check</source>
        <translation>Sec-WebSocket-Accept 校验</translation>
    </message>
    <message>
        <source>Raw bytes</source>
        <translation>原始字节</translation>
    </message>
    <message>
        <source>No connection yet.</source>
        <translation>尚无连接。</translation>
    </message>
    <message>
        <source>&amp;Request</source>
        <translation>请求(&amp;R)</translation>
    </message>
    <message>
        <source>R&amp;esponse</source>
        <translation>响应(&amp;E)</translation>
    </message>
    <message>
        <source>Story</source>
        <translation>过程</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>头部</translation>
    </message>
    <message>
        <source>Accept check</source>
        <translation>Accept 校验</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>The request and the answer as text, exactly as they were sent</source>
        <translation>请求和应答的文本形式，与发送时完全一致</translation>
    </message>
    <message>
        <source>Captured on the wire by the tap.</source>
        <translation>由本地中继在线路上捕获。</translation>
    </message>
    <message>
        <source>Direct connection: reconstructed from what Qt sends.</source>
        <translation>直接连接：根据 Qt 发送的内容重建。</translation>
    </message>
    <message>
        <source>Subprotocol: %1</source>
        <translation>子协议：%1</translation>
    </message>
    <message>
        <source>Extensions: %1</source>
        <translation>扩展：%1</translation>
    </message>
    <message numerus="yes">
        <source>(chunked: %n byte(s) on the wire, decoded here; see Raw bytes)</source>
        <translation>
            <numerusform>（分块传输：线路上为 %n 字节，此处显示解码后的内容；参见“原始字节”）</numerusform>
        </translation>
    </message>
    <message>
        <source>(body cut at %1 KiB)</source>
        <translation>（正文已在 %1 KiB 处截断）</translation>
    </message>
    <message>
        <source>(waiting for the server)</source>
        <translation>（正在等待服务器）</translation>
    </message>
    <message>
        <source>(no request sent)</source>
        <translation>（未发送请求）</translation>
    </message>
    <message>
        <source>(no answer yet)</source>
        <translation>（尚无应答）</translation>
    </message>
    <message>
        <source>(no answer)</source>
        <translation>（无应答）</translation>
    </message>
    <message>
        <source>✓ Match: the Accept %1 is Base64(SHA-1(Key + GUID)) of the Key %2</source>
        <translation>✓ 匹配：Accept %1 是 Key %2 的 Base64(SHA-1(Key + GUID))</translation>
    </message>
    <message>
        <source>✗ MISMATCH: the Accept %1 should be %2, Base64(SHA-1(Key + GUID)) of the Key %3</source>
        <translation>✗ 不匹配：Accept %1 应为 %2，即 Key %3 的 Base64(SHA-1(Key + GUID))</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Select the Key or the Accept to see the other; double-click either for the check step by step.</source>
        <translation>选中 Key 或 Accept 可查看对应的另一项；双击任一项可查看逐步校验过程。</translation>
    </message>
    <message>
        <source>1. Key sent (Sec-WebSocket-Key):
   %1
2. Append the RFC 6455 GUID:
   %1%2
3. SHA-1 of that:
   %3
4. Base64 of the SHA-1, the expected Sec-WebSocket-Accept:
   %4
5. Received Sec-WebSocket-Accept:
   %5

%6</source>
        <translation>1. 发送的 Key（Sec-WebSocket-Key）：
   %1
2. 拼接 RFC 6455 规定的 GUID：
   %1%2
3. 计算其 SHA-1：
   %3
4. 对该 SHA-1 做 Base64，即预期的 Sec-WebSocket-Accept：
   %4
5. 收到的 Sec-WebSocket-Accept：
   %5

%6</translation>
    </message>
    <message>
        <source>Match: the server computed the right answer.</source>
        <translation>匹配：服务器计算出了正确的应答。</translation>
    </message>
    <message>
        <source>MISMATCH: this is not the answer to the key that was sent.</source>
        <translation>不匹配：这不是对所发送 Key 的应答。</translation>
    </message>
    <message>
        <source>Not available on a direct connection: Qt does not report the key it sent.</source>
        <translation>直接连接时不可用：Qt 不提供它发送的 Key。</translation>
    </message>
    <message>
        <source>Available once the server has answered with 101 Switching Protocols.</source>
        <translation>服务器以 101 Switching Protocols 应答后可用。</translation>
    </message>
    <message numerus="yes">
        <source>Request, %n byte(s)</source>
        <translation>
            <numerusform>请求，%n 字节</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Response head, %n byte(s)</source>
        <translation>
            <numerusform>响应头，%n 字节</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Response body as sent (chunked), %n byte(s)</source>
        <translation>
            <numerusform>响应正文（按发送时的分块形式），%n 字节</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Response body, %n byte(s)</source>
        <translation>
            <numerusform>响应正文，%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <source>(no bytes captured)</source>
        <translation>（未捕获到字节）</translation>
    </message>
    <message numerus="yes">
        <source>(and %n more)</source>
        <translation>
            <numerusform>（还有 %n 条）</numerusform>
        </translation>
    </message>
    <message>
        <source>Captured on the wire by the server, as its client sent it.</source>
        <translation>由服务器在线路上捕获，与客户端发送的一致。</translation>
    </message>
</context>
<context>
    <name>HandshakeStory</name>
    <message>
        <source>(more in the Headers tab)</source>
        <translation>（更多内容见“头部”标签页）</translation>
    </message>
    <message>
        <source>the server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>wsscope closed it: %1</source>
        <translation>wsscope 关闭了连接：%1</translation>
    </message>
    <message>
        <source>The server closed it: %1</source>
        <translation>服务器关闭了连接：%1</translation>
    </message>
    <message>
        <source>Qt&apos;s WebSocket client closed it: %1</source>
        <translation>Qt 的 WebSocket 客户端关闭了连接：%1</translation>
    </message>
    <message>
        <source>Closed: %1</source>
        <translation>已关闭：%1</translation>
    </message>
    <message>
        <source>The connection ended without a Close frame: %1</source>
        <translation>连接在未收发 Close 帧的情况下结束：%1</translation>
    </message>
    <message numerus="yes">
        <source>Body: %n byte(s), not text (Text and Raw bytes tabs)</source>
        <translation>
            <numerusform>正文：%n 字节，不是文本（见“文本”和“原始字节”标签页）</numerusform>
        </translation>
    </message>
    <message>
        <source>Body: %1</source>
        <translation>正文：%1</translation>
    </message>
    <message>
        <source>Handshake story</source>
        <translation>握手过程</translation>
    </message>
    <message>
        <source>No connection yet</source>
        <translation>尚无连接</translation>
    </message>
    <message>
        <source>Click Connect: wsscope opens a TCP connection, sends an HTTP upgrade request and shows each step here as it happens.</source>
        <translation>点击“连接”：wsscope 会建立 TCP 连接，发送 HTTP 升级请求，并在此实时显示每一步。</translation>
    </message>
    <message>
        <source>TCP connection to %1</source>
        <translation>与 %1 建立 TCP 连接</translation>
    </message>
    <message>
        <source>Made by Qt on a direct connection: its steps are not seen.</source>
        <translation>直接连接模式下由 Qt 建立：无法看到其中的各个步骤。</translation>
    </message>
    <message>
        <source>Name looked up in %1</source>
        <translation>域名解析耗时 %1</translation>
    </message>
    <message>
        <source>Connected in %1</source>
        <translation>连接耗时 %1</translation>
    </message>
    <message>
        <source>No connection was made.</source>
        <translation>未能建立连接。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>TLS 握手</translation>
    </message>
    <message>
        <source>Certificate not trusted: %1</source>
        <translation>证书不受信任：%1</translation>
    </message>
    <message>
        <source>The TLS tab shows the chain and can connect anyway, once.</source>
        <translation>可在“TLS”标签页查看证书链，并可仅此一次照常连接。</translation>
    </message>
    <message>
        <source>Certificate verified</source>
        <translation>证书验证通过</translation>
    </message>
    <message>
        <source>Certificate not trusted, accepted for this connection only</source>
        <translation>证书不受信任，仅在本次连接中接受</translation>
    </message>
    <message>
        <source>Took %1</source>
        <translation>耗时 %1</translation>
    </message>
    <message>
        <source>The TLS handshake failed.</source>
        <translation>TLS 握手失败。</translation>
    </message>
    <message>
        <source>Not yet</source>
        <translation>尚未进行</translation>
    </message>
    <message>
        <source>wsscope asks to upgrade: HTTP request</source>
        <translation>wsscope 发起升级：HTTP 请求</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <source>The server answers</source>
        <translation>服务器应答</translation>
    </message>
    <message>
        <source>The server agrees: 101 Switching Protocols</source>
        <translation>服务器同意：101 Switching Protocols</translation>
    </message>
    <message>
        <source>✓ Sec-WebSocket-Accept matches the Key: Match</source>
        <translation>✓ Sec-WebSocket-Accept 与 Key 相符：匹配</translation>
    </message>
    <message>
        <source>✗ Sec-WebSocket-Accept is not the answer to the Key: MISMATCH</source>
        <translation>✗ Sec-WebSocket-Accept 不是对 Key 的正确应答：不匹配</translation>
    </message>
    <message>
        <source>The client refused this answer.</source>
        <translation>客户端拒绝了此应答。</translation>
    </message>
    <message>
        <source>The client refused this answer: %1</source>
        <translation>客户端拒绝了此应答：%1</translation>
    </message>
    <message>
        <source>The server redirects instead of upgrading</source>
        <translation>服务器返回重定向，而非升级</translation>
    </message>
    <message>
        <source>The server refuses the upgrade</source>
        <translation>服务器拒绝升级</translation>
    </message>
    <message>
        <source>No answer came.</source>
        <translation>未收到应答。</translation>
    </message>
    <message>
        <source>Waiting for the server…</source>
        <translation>正在等待服务器…</translation>
    </message>
    <message>
        <source>Messages travel as frames</source>
        <translation>消息以帧的形式传输</translation>
    </message>
    <message>
        <source>Messages in the log; each frame, its mask and length, in the Wire tab.</source>
        <translation>消息见日志；每个帧及其掩码和长度见“线路”标签页。</translation>
    </message>
    <message>
        <source>Not reached: the connection did not open.</source>
        <translation>未进行到此步：连接未建立。</translation>
    </message>
    <message>
        <source>Close handshake</source>
        <translation>关闭握手</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>Both sides sent a Close frame.</source>
        <translation>双方都发送了 Close 帧。</translation>
    </message>
    <message>
        <source>No Close frame came back in answer.</source>
        <translation>对方未回应 Close 帧。</translation>
    </message>
    <message>
        <source>A Close frame was sent; waiting for the answer…</source>
        <translation>已发送 Close 帧，正在等待对方回应…</translation>
    </message>
    <message>
        <source>Either side sends a Close frame with a code; the other answers with its own.</source>
        <translation>任一方发送带关闭码的 Close 帧，另一方以自己的 Close 帧应答。</translation>
    </message>
    <message>
        <source>Not reached</source>
        <translation>未进行到此步</translation>
    </message>
    <message>
        <source>&amp;Copy the story</source>
        <translation>复制过程(&amp;C)</translation>
    </message>
    <message>
        <source>The client closed it: %1</source>
        <translation>客户端关闭了连接：%1</translation>
    </message>
    <message>
        <source>TCP connection from the client %1</source>
        <translation>来自客户端 %1 的 TCP 连接</translation>
    </message>
    <message>
        <source>The client asks to upgrade: HTTP request</source>
        <translation>客户端请求升级：HTTP 请求</translation>
    </message>
    <message>
        <source>wsscope answers</source>
        <translation>wsscope 回应</translation>
    </message>
    <message>
        <source>wsscope agrees: 101 Switching Protocols</source>
        <translation>wsscope 同意：101 Switching Protocols</translation>
    </message>
    <message>
        <source>wsscope refuses the upgrade</source>
        <translation>wsscope 拒绝升级</translation>
    </message>
</context>
<context>
    <name>HttpBodyDecoder</name>
    <message>
        <source>Content-Length &quot;%1&quot; is not one number of bytes.</source>
        <translation>Content-Length“%1”不是单个字节数。</translation>
    </message>
    <message>
        <source>A line of the chunked body is longer than %1 bytes.</source>
        <translation>分块正文中有一行超过 %1 字节。</translation>
    </message>
    <message>
        <source>The chunk size &quot;%1&quot; is not a hexadecimal number.</source>
        <translation>块大小“%1”不是十六进制数。</translation>
    </message>
    <message>
        <source>A chunk is not followed by CR LF.</source>
        <translation>块之后缺少 CR LF。</translation>
    </message>
    <message>
        <source>The connection ended after %1 of the %2 bytes of Content-Length.</source>
        <translation>连接在收到 Content-Length 所示 %2 字节中的 %1 字节后结束。</translation>
    </message>
    <message>
        <source>The connection ended before the last chunk (%1 bytes decoded).</source>
        <translation>连接在最后一个块之前结束（已解码 %1 字节）。</translation>
    </message>
</context>
<context>
    <name>HttpHeadParser</name>
    <message>
        <source>The HTTP head is larger than %1 KiB.</source>
        <translation>HTTP 报文头超过 %1 KiB。</translation>
    </message>
    <message>
        <source>Line %1 of the HTTP head ends without CR LF.</source>
        <translation>HTTP 报文头的第 %1 行不以 CR LF 结尾。</translation>
    </message>
    <message>
        <source>The request line &quot;%1&quot; is not METHOD TARGET HTTP/x.y.</source>
        <translation>请求行“%1”不符合 METHOD TARGET HTTP/x.y 格式。</translation>
    </message>
    <message>
        <source>The status line &quot;%1&quot; is not HTTP/x.y CODE REASON.</source>
        <translation>状态行“%1”不符合 HTTP/x.y CODE REASON 格式。</translation>
    </message>
    <message>
        <source>The status code &quot;%1&quot; is not a three-digit number.</source>
        <translation>状态码“%1”不是三位数字。</translation>
    </message>
    <message>
        <source>Line %1 continues a header with leading white space (obsolete folding).</source>
        <translation>第 %1 行以空白字符开头，是上一个头部的续行（已废弃的折叠写法）。</translation>
    </message>
    <message>
        <source>Line %1 is not a header (NAME: value): &quot;%2&quot;.</source>
        <translation>第 %1 行不是头部（NAME: value）：“%2”。</translation>
    </message>
    <message>
        <source>The HTTP head&apos;s lines end with LF alone; HTTP ends each line with CR LF.</source>
        <translation>HTTP 头的各行只以 LF 结尾；HTTP 的每一行应以 CR LF 结尾。</translation>
    </message>
</context>
<context>
    <name>InputFile</name>
    <message>
        <source>it is %1 bytes, more than the %2 bytes accepted</source>
        <translation>大小为 %1 字节，超过了可接受的 %2 字节</translation>
    </message>
    <message>
        <source>it is a directory, not a file</source>
        <translation>这是一个目录，不是文件</translation>
    </message>
    <message>
        <source>it is a named pipe, not a regular file</source>
        <translation>这是一个命名管道，不是普通文件</translation>
    </message>
    <message>
        <source>it is a socket, not a regular file</source>
        <translation>这是一个套接字，不是普通文件</translation>
    </message>
    <message>
        <source>it is a device, not a regular file</source>
        <translation>这是一个设备，不是普通文件</translation>
    </message>
    <message>
        <source>it is not a regular file</source>
        <translation>这不是普通文件</translation>
    </message>
    <message>
        <source>it grew past the %1 bytes accepted while it was read</source>
        <translation>读取过程中文件不断增大，超过了可接受的 %1 字节</translation>
    </message>
</context>
<context>
    <name>InsomniaImport</name>
    <message>
        <source>%1, %2: the template tag %3 cannot be run here; it became {{%4}}, to be defined before connecting.</source>
        <translation>%1，%2：模板标签 %3 无法在这里运行；它已变为 {{%4}}，需在连接前定义。</translation>
    </message>
    <message>
        <source>%1, %2: the filter in %3 is left out.</source>
        <translation>%1，%2：%3 中的过滤器已略去。</translation>
    </message>
    <message>
        <source>%1: the variable &quot;%2&quot; has a name wsscope cannot use, so it was left out.</source>
        <translation>%1：变量“%2”的名称 wsscope 无法使用，已略去。</translation>
    </message>
    <message>
        <source>Not valid JSON (at byte %1): %2</source>
        <translation>不是有效的 JSON（第 %1 字节处）：%2</translation>
    </message>
    <message>
        <source>This is not an Insomnia export: it has no &quot;_type&quot;: &quot;export&quot;.</source>
        <translation>这不是 Insomnia 导出：其中没有 &quot;_type&quot;: &quot;export&quot;。</translation>
    </message>
    <message>
        <source>This Insomnia export is in format %1; wsscope reads format 4 (Insomnia&apos;s JSON export).</source>
        <translation>此 Insomnia 导出为格式 %1；wsscope 读取格式 4（Insomnia 的 JSON 导出）。</translation>
    </message>
    <message>
        <source>This Insomnia export holds no workspace.</source>
        <translation>此 Insomnia 导出中没有工作区。</translation>
    </message>
    <message>
        <source>The export holds several workspaces; their requests are all in this one collection.</source>
        <translation>导出中有多个工作区；它们的请求都放在这一个集合里。</translation>
    </message>
    <message>
        <source>Environment &quot;%1&quot;</source>
        <translation>环境“%1”</translation>
    </message>
    <message>
        <source>Environment %1</source>
        <translation>环境 %1</translation>
    </message>
    <message>
        <source>%1 belongs to a folder in Insomnia; here it is one of the collection&apos;s environments.</source>
        <translation>%1 在 Insomnia 中属于一个文件夹；在这里它是集合的环境之一。</translation>
    </message>
    <message>
        <source>Folder &quot;%1&quot;: its own variables are not taken over; define them in an environment.</source>
        <translation>文件夹“%1”：它自己的变量没有导入；请在环境中定义它们。</translation>
    </message>
    <message>
        <source>Request &quot;%1&quot;</source>
        <translation>请求“%1”</translation>
    </message>
    <message>
        <source>WebSocket request</source>
        <translation>WebSocket 请求</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>query parameter</source>
        <translation>查询参数</translation>
    </message>
    <message>
        <source>header name</source>
        <translation>头部名称</translation>
    </message>
    <message>
        <source>header value</source>
        <translation>头部值</translation>
    </message>
    <message>
        <source>%1: the bearer prefix &quot;%2&quot; is not taken over; wsscope sends &quot;Bearer&quot;.</source>
        <translation>%1：Bearer 前缀“%2”没有导入；wsscope 发送“Bearer”。</translation>
    </message>
    <message>
        <source>token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>%1: Basic auth is sent in UTF-8, not ISO 8859-1.</source>
        <translation>%1：Basic 授权以 UTF-8 发送，而不是 ISO 8859-1。</translation>
    </message>
    <message>
        <source>%1: the authentication &quot;%2&quot; is not one wsscope has (Basic, Bearer); it was left out.</source>
        <translation>%1：授权方式“%2”不是 wsscope 支持的（Basic、Bearer）；已略去。</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>载荷</translation>
    </message>
    <message>
        <source>payload</source>
        <translation>载荷</translation>
    </message>
    <message>
        <source>%1: &quot;do not encode the URL&quot; is not taken over; wsscope sends the URL encoded.</source>
        <translation>%1：“不编码 URL”没有导入；wsscope 发送编码后的 URL。</translation>
    </message>
    <message numerus="yes">
        <source>%n HTTP request(s) left out: wsscope connects WebSockets.</source>
        <translation>
            <numerusform>已略去 %n 个 HTTP 请求：wsscope 连接的是 WebSocket。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n other resource(s) left out (%1).</source>
        <translation>
            <numerusform>已略去 %n 个其他资源（%1）。</numerusform>
        </translation>
    </message>
    <message>
        <source>The export holds no WebSocket request.</source>
        <translation>导出中没有 WebSocket 请求。</translation>
    </message>
</context>
<context>
    <name>InspectServer</name>
    <message>
        <source>101 is the upgrade itself; choose a status that refuses it, such as 401 or 503.</source>
        <translation>101 就是升级本身；请选择一个拒绝升级的状态，如 401 或 503。</translation>
    </message>
    <message>
        <source>the status must be from 200 to 599.</source>
        <translation>状态必须在 200 到 599 之间。</translation>
    </message>
    <message>
        <source>Cannot read the certificate %1: %2</source>
        <translation>无法读取证书 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a PKCS#12 file this build can read, or its passphrase is wrong.</source>
        <translation>%1 不是此版本能读取的 PKCS#12 文件，或其口令错误。</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate (&quot;-----BEGIN CERTIFICATE-----&quot;).</source>
        <translation>%1 中没有 PEM 证书（“-----BEGIN CERTIFICATE-----”）。</translation>
    </message>
    <message>
        <source>Cannot read the key %1: %2</source>
        <translation>无法读取密钥 %1：%2</translation>
    </message>
    <message>
        <source>%1 holds no PEM private key this build can read (RSA, EC or DSA), or its passphrase is wrong.</source>
        <translation>%1 中没有此版本能读取的 PEM 私钥（RSA、EC 或 DSA），或其口令错误。</translation>
    </message>
    <message>
        <source>A TLS handshake from %1:%2 failed: %3</source>
        <translation>来自 %1:%2 的 TLS 握手失败：%3</translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2: %3</source>
        <translation>无法在 %1:%2 上监听：%3</translation>
    </message>
    <message>
        <source>The server stopped</source>
        <translation>服务器已停止</translation>
    </message>
    <message>
        <source>Dropped the client %1: it has not read what was sent to it for %2 s.</source>
        <translation>已断开客户端 %1：它已有 %2 秒没有读取发给它的数据。</translation>
    </message>
    <message>
        <source>The client did not end the connection within %1 ms of the close; it was cut.</source>
        <translation>客户端在关闭后 %1 毫秒内没有结束连接；连接已切断。</translation>
    </message>
    <message>
        <source>This is not an HTTP request wsscope can read: %1</source>
        <translation>这不是 wsscope 能读懂的 HTTP 请求：%1</translation>
    </message>
    <message>
        <source>the request is not HTTP: %1</source>
        <translation>请求不是 HTTP：%1</translation>
    </message>
    <message>
        <source>%1 clients are connected already.</source>
        <translation>已有 %1 个客户端连接。</translation>
    </message>
    <message>
        <source>%1 clients are connected already</source>
        <translation>已有 %1 个客户端连接</translation>
    </message>
    <message>
        <source>A WebSocket upgrade is a GET request; this was %1.</source>
        <translation>WebSocket 升级请求是 GET 请求；此请求是 %1。</translation>
    </message>
    <message>
        <source>the method is %1, not GET</source>
        <translation>方法是 %1，不是 GET</translation>
    </message>
    <message>
        <source>This is a WebSocket server: ask for &quot;Upgrade: websocket&quot;.</source>
        <translation>这是 WebSocket 服务器：请求中需要“Upgrade: websocket”。</translation>
    </message>
    <message>
        <source>the request does not ask for Upgrade: websocket</source>
        <translation>请求没有要求 Upgrade: websocket</translation>
    </message>
    <message>
        <source>An upgrade request needs &quot;Connection: Upgrade&quot;.</source>
        <translation>升级请求需要“Connection: Upgrade”。</translation>
    </message>
    <message>
        <source>the request has no Connection: Upgrade</source>
        <translation>请求中没有 Connection: Upgrade</translation>
    </message>
    <message>
        <source>This server speaks WebSocket version 13 (RFC 6455).</source>
        <translation>此服务器使用 WebSocket 第 13 版（RFC 6455）。</translation>
    </message>
    <message>
        <source>Sec-WebSocket-Version is not 13</source>
        <translation>Sec-WebSocket-Version 不是 13</translation>
    </message>
    <message>
        <source>Sec-WebSocket-Key must be given once, as 16 bytes in base64.</source>
        <translation>Sec-WebSocket-Key 必须给出一次，为 base64 编码的 16 字节。</translation>
    </message>
    <message>
        <source>Sec-WebSocket-Key is missing or not 16 bytes in base64</source>
        <translation>Sec-WebSocket-Key 缺失，或不是 base64 编码的 16 字节</translation>
    </message>
    <message>
        <source>No WebSocket at %1 here; the paths are: %2</source>
        <translation>此处 %1 没有 WebSocket；可用路径为：%2</translation>
    </message>
    <message>
        <source>no rule for the path %1</source>
        <translation>没有路径 %1 的规则</translation>
    </message>
    <message>
        <source>Upgrades from pages at %1 are not allowed.</source>
        <translation>不允许来自 %1 页面的升级请求。</translation>
    </message>
    <message>
        <source>the origin %1 is not on this machine and not allowed</source>
        <translation>来源 %1 不在本机，也未被允许</translation>
    </message>
    <message>
        <source>Refused with %1, as this server was told to answer.</source>
        <translation>按设置以 %1 拒绝。</translation>
    </message>
    <message>
        <source>it was set to answer %1</source>
        <translation>已设置为回应 %1</translation>
    </message>
    <message>
        <source>The header %1 is required.</source>
        <translation>需要头部 %1。</translation>
    </message>
    <message>
        <source>The header %1 does not have the value this server requires.</source>
        <translation>头部 %1 的值不是此服务器要求的值。</translation>
    </message>
    <message>
        <source>the required header %1 is missing</source>
        <translation>缺少必需的头部 %1</translation>
    </message>
    <message>
        <source>the required header %1 has another value</source>
        <translation>必需的头部 %1 的值不符</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>This server requires the subprotocol %1; the request offered: %2.</source>
        <translation>此服务器要求子协议 %1；请求提供的是：%2。</translation>
    </message>
    <message>
        <source>the required subprotocol was not offered (offered: %1)</source>
        <translation>请求未提供必需的子协议（提供的是：%1）</translation>
    </message>
    <message>
        <source>The 101 waits %1 ms, as set.</source>
        <translation>按设置，101 等待 %1 毫秒后发送。</translation>
    </message>
    <message>
        <source>Refused with %1 %2: %3</source>
        <translation>以 %1 %2 拒绝：%3</translation>
    </message>
    <message>
        <source>Upgraded %1 from %2</source>
        <translation>已升级来自 %2 的 %1</translation>
    </message>
    <message>
        <source>The client&apos;s frames cannot be read any more: %1</source>
        <translation>客户端的帧已无法继续读取：%1</translation>
    </message>
    <message>
        <source>The client&apos;s message is larger than %1 bytes, the most this server takes.</source>
        <translation>客户端的消息超过 %1 字节，这是此服务器接受的上限。</translation>
    </message>
    <message>
        <source>Protocol error by the client: %1</source>
        <translation>客户端的协议错误：%1</translation>
    </message>
    <message>
        <source>The client&apos;s frame: %1</source>
        <translation>客户端的帧：%1</translation>
    </message>
    <message>
        <source>Ping flood: the client sent %1 pings within a second.</source>
        <translation>Ping 洪泛：客户端在一秒内发送了 %1 个 ping。</translation>
    </message>
    <message>
        <source>The client closed with %1.</source>
        <translation>客户端以 %1 关闭。</translation>
    </message>
    <message>
        <source>The client closed with %1: %2</source>
        <translation>客户端以 %1 关闭：%2</translation>
    </message>
    <message>
        <source>The client&apos;s text message is not valid UTF-8.</source>
        <translation>客户端的文本消息不是有效的 UTF-8。</translation>
    </message>
    <message numerus="yes">
        <source>Dropped the connection after %n message(s), as set: no Close was sent.</source>
        <translation>
            <numerusform>按设置，在 %n 条消息后断开了连接：未发送 Close。</numerusform>
        </translation>
    </message>
    <message>
        <source>Sent a Close with %1.</source>
        <translation>已发送 %1 的 Close。</translation>
    </message>
    <message>
        <source>Sent a Close with %1: %2</source>
        <translation>已发送 %1 的 Close：%2</translation>
    </message>
    <message>
        <source>The last %1 bytes recorded from the server were never sent: the client did not take them and the connection was cut.</source>
        <translation>记录为服务器发出的最后 %1 字节实际并未发出：客户端没有接收，连接已被切断。</translation>
    </message>
    <message>
        <source>The client left without a Close (1006).</source>
        <translation>客户端未发送 Close 就离开了（1006）。</translation>
    </message>
    <message>
        <source>The client left before its upgrade was answered.</source>
        <translation>客户端在其升级请求得到回应前离开了。</translation>
    </message>
    <message>
        <source>Client %1 is not open.</source>
        <translation>客户端 %1 未处于打开状态。</translation>
    </message>
    <message>
        <source>A ping carries at most 125 bytes.</source>
        <translation>ping 最多携带 125 字节。</translation>
    </message>
    <message>
        <source>A close reason is at most 123 bytes of UTF-8.</source>
        <translation>关闭原因最多为 123 字节的 UTF-8。</translation>
    </message>
    <message>
        <source>A message was not sent: %1</source>
        <translation>有一条消息未发送：%1</translation>
    </message>
    <message>
        <source>(no request line)</source>
        <translation>（没有请求行）</translation>
    </message>
    <message>
        <source>No whole upgrade request came within %1 s.</source>
        <translation>%1 秒内没有收到完整的升级请求。</translation>
    </message>
    <message>
        <source>the client sent no whole upgrade request within %1 s</source>
        <translation>客户端在 %1 秒内没有发来完整的升级请求</translation>
    </message>
    <message>
        <source>Stopped recording the client: it sent %1 bytes more after its connection was failed or ended. What follows is read and not kept.</source>
        <translation>停止记录这个客户端：它的连接失败或结束后又发来了 %1 字节。此后的内容照常读取，但不保留。</translation>
    </message>
    <message>
        <source>This is a wss:// server; the client sent plain HTTP (ws://) to it.</source>
        <translation>这是 wss:// 服务器；客户端向它发送了明文 HTTP（ws://）。</translation>
    </message>
    <message>
        <source>the client sent plain HTTP (ws://) to this wss:// server</source>
        <translation>客户端向这个 wss:// 服务器发送了明文 HTTP（ws://）</translation>
    </message>
    <message>
        <source>This is a ws:// server; the client began a TLS handshake (wss://).</source>
        <translation>这是 ws:// 服务器；客户端开始了 TLS 握手（wss://）。</translation>
    </message>
    <message>
        <source>the client began a TLS handshake: this server is ws://, not wss://</source>
        <translation>客户端开始了 TLS 握手：这个服务器是 ws://，不是 wss://</translation>
    </message>
    <message>
        <source>A WebSocket upgrade needs HTTP/1.1 or later; this was %1.</source>
        <translation>WebSocket 升级需要 HTTP/1.1 或更高版本；这个请求是 %1。</translation>
    </message>
    <message>
        <source>the request is %1, not HTTP/1.1</source>
        <translation>请求是 %1，不是 HTTP/1.1</translation>
    </message>
    <message>
        <source>An HTTP/1.1 request names its host once, in a Host header.</source>
        <translation>HTTP/1.1 请求要在一个 Host 头部中给出主机，且只给一次。</translation>
    </message>
    <message>
        <source>the request has no Host header</source>
        <translation>请求没有 Host 头部</translation>
    </message>
    <message>
        <source>the request has more than one Host header</source>
        <translation>请求有多个 Host 头部</translation>
    </message>
    <message>
        <source>The request&apos;s target is a path, such as /chat?room=1, without a #fragment.</source>
        <translation>请求的目标应是一个路径，例如 /chat?room=1，不带 #片段。</translation>
    </message>
    <message>
        <source>the target %1 is not a path</source>
        <translation>目标 %1 不是路径</translation>
    </message>
    <message>
        <source>Not recorded: %1 bytes more from the client, read after its connection was failed or ended.</source>
        <translation>未记录：客户端的连接失败或结束后又读到的 %1 字节。</translation>
    </message>
    <message>
        <source>The client left in the middle of a frame: %1 bytes of it came, of a payload of %2 bytes.</source>
        <translation>客户端在一帧的中途离开：这一帧只到了 %1 字节，其载荷声明为 %2 字节。</translation>
    </message>
    <message>
        <source>The client left in the middle of a frame&apos;s header: %1 bytes of it came.</source>
        <translation>客户端在帧头的中途离开：只到了 %1 字节。</translation>
    </message>
    <message>
        <source>The client left in the middle of a fragmented message: %1 bytes of it came, its last fragment did not.</source>
        <translation>客户端在一条分片消息的中途离开：已到 %1 字节，最后一个分片没有到。</translation>
    </message>
    <message>
        <source>The key %1 does not belong to the certificate %2.</source>
        <translation>私钥 %1 与证书 %2 不匹配。</translation>
    </message>
</context>
<context>
    <name>Journal</name>
    <message>
        <source>Cannot create the journal folder %1.</source>
        <translation>无法创建恢复日志文件夹 %1。</translation>
    </message>
    <message>
        <source>Cannot lock the journal %1.</source>
        <translation>无法锁定恢复日志 %1。</translation>
    </message>
    <message>
        <source>Cannot write the journal %1: %2</source>
        <translation>无法写入恢复日志 %1：%2</translation>
    </message>
</context>
<context>
    <name>JournalWriter</name>
    <message>
        <source>The session journal %1 could not be written: %2. The session goes on without it.</source>
        <translation>无法写入会话恢复日志 %1：%2。会话将在没有恢复日志的情况下继续。</translation>
    </message>
</context>
<context>
    <name>JsonTokens::Tokenizer</name>
    <message>
        <source>no JSON value</source>
        <translation>没有 JSON 值</translation>
    </message>
    <message>
        <source>the text ends inside an object</source>
        <translation>文本在对象内部就结束了</translation>
    </message>
    <message>
        <source>the text ends inside an array</source>
        <translation>文本在数组内部就结束了</translation>
    </message>
    <message>
        <source>text after the end of the JSON value</source>
        <translation>JSON 值结束后还有多余的文本</translation>
    </message>
    <message>
        <source>a colon is missing after the key</source>
        <translation>键后面缺少冒号</translation>
    </message>
    <message>
        <source>a comma or } is missing</source>
        <translation>缺少逗号或 }</translation>
    </message>
    <message>
        <source>a comma or ] is missing</source>
        <translation>缺少逗号或 ]</translation>
    </message>
    <message>
        <source>a key (a string in double quotes) is missing</source>
        <translation>缺少键（用双引号括起的字符串）</translation>
    </message>
    <message>
        <source>nested deeper than %1 levels</source>
        <translation>嵌套超过 %1 层</translation>
    </message>
    <message>
        <source>a value is missing</source>
        <translation>缺少值</translation>
    </message>
    <message>
        <source>a string is not closed</source>
        <translation>字符串未闭合</translation>
    </message>
    <message>
        <source>a control character in a string must be escaped</source>
        <translation>字符串中的控制字符必须转义</translation>
    </message>
    <message>
        <source>\u needs four hex digits</source>
        <translation>\u 后面需要四位十六进制数字</translation>
    </message>
    <message>
        <source>\%1 is not an escape JSON knows</source>
        <translation>\%1 不是 JSON 支持的转义序列</translation>
    </message>
    <message>
        <source>not valid UTF-8</source>
        <translation>不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>a number cannot start with 0</source>
        <translation>数字不能以 0 开头</translation>
    </message>
    <message>
        <source>a minus sign without digits</source>
        <translation>负号后面没有数字</translation>
    </message>
    <message>
        <source>a decimal point needs digits after it</source>
        <translation>小数点后面必须有数字</translation>
    </message>
    <message>
        <source>an exponent needs digits</source>
        <translation>指数部分缺少数字</translation>
    </message>
    <message>
        <source>a value is missing (true, false and null are written in lower case)</source>
        <translation>缺少值（true、false 和 null 必须小写）</translation>
    </message>
</context>
<context>
    <name>JsonTree</name>
    <message>
        <source>Message as a JSON tree</source>
        <translation>以 JSON 树显示的消息</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>键</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>No JSON message.</source>
        <translation>没有 JSON 消息。</translation>
    </message>
    <message>
        <source>(root)</source>
        <translation>（根）</translation>
    </message>
    <message>
        <source>object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>array</source>
        <translation>数组</translation>
    </message>
    <message numerus="yes">
        <source>{%n member(s)}</source>
        <translation>
            <numerusform>{%n 个成员}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>[%n element(s)]</source>
        <translation>
            <numerusform>[%n 个元素]</numerusform>
        </translation>
    </message>
    <message>
        <source>string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <source>number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>boolean</source>
        <translation>布尔值</translation>
    </message>
    <message numerus="yes">
        <source>(%n shown)</source>
        <translation>
            <numerusform>（显示 %n 个）</numerusform>
        </translation>
    </message>
    <message>
        <source>Not valid JSON: no tree. The JSON view says where it breaks.</source>
        <translation>不是有效的 JSON：无法生成树。JSON 视图会指出出错的位置。</translation>
    </message>
    <message>
        <source>The tree shows the first %1 values; the JSON view has all of them.</source>
        <translation>树只显示前 %1 个值；JSON 视图包含全部。</translation>
    </message>
    <message>
        <source>Copy &amp;value</source>
        <translation>复制值(&amp;V)</translation>
    </message>
    <message>
        <source>Copy &amp;path</source>
        <translation>复制路径(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Expand all</source>
        <translation>全部展开(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Collapse all</source>
        <translation>全部折叠(&amp;C)</translation>
    </message>
</context>
<context>
    <name>LiveChart</name>
    <message>
        <source>Live chart of the message rate and round trips</source>
        <translation>消息速率与往返时间的实时图表</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Messages a second</source>
        <translation>每秒消息数</translation>
    </message>
    <message>
        <source>received</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Round trip of each pong, ms: none yet (ping, or turn on keep-alive in Request &gt; Connection)</source>
        <translation>每个 Pong 的往返时间（ms）：暂无数据（请发送 Ping，或在“请求 &gt; 连接”中开启心跳保活）</translation>
    </message>
    <message>
        <source>Round trip of each pong, ms; last %1</source>
        <translation>每个 Pong 的往返时间（ms）；最近一次：%1</translation>
    </message>
    <message>
        <source>Seconds between the client&apos;s pings: none yet</source>
        <translation>客户端两次 Ping 之间的秒数：还没有</translation>
    </message>
    <message>
        <source>Seconds between the client&apos;s pings; last %1</source>
        <translation>客户端两次 Ping 之间的秒数；最近一次：%1</translation>
    </message>
</context>
<context>
    <name>LogFilter</name>
    <message>
        <source>The regular expression is not valid at character %1: %2</source>
        <translation>正则表达式在第 %1 个字符处无效：%2</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>↑ Sent</source>
        <translation>↑ 发送</translation>
    </message>
    <message>
        <source>↓ Received</source>
        <translation>↓ 接收</translation>
    </message>
    <message>
        <source>• Event</source>
        <translation>• 事件</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>binary</source>
        <translation>二进制</translation>
    </message>
    <message>
        <source>ping</source>
        <translation>Ping</translation>
    </message>
    <message>
        <source>pong</source>
        <translation>Pong</translation>
    </message>
    <message>
        <source>open</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>close</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>(no payload)</source>
        <translation>（无载荷）</translation>
    </message>
    <message>
        <source>+%1 s</source>
        <translation>+%1 s</translation>
    </message>
    <message>
        <source>  · round trip %1 ms</source>
        <translation>  · 往返时间 %1 ms</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Copy as &amp;text</source>
        <translation>复制为文本(&amp;T)</translation>
    </message>
    <message>
        <source>The payloads as text, one row a line</source>
        <translation>载荷的文本，每条一行</translation>
    </message>
    <message>
        <source>Copy as &amp;hex</source>
        <translation>复制为十六进制(&amp;H)</translation>
    </message>
    <message>
        <source>The payloads&apos; bytes in hex, one row a line</source>
        <translation>载荷字节的十六进制形式，每条一行</translation>
    </message>
    <message>
        <source>Copy as &amp;base64</source>
        <translation>复制为 base64(&amp;B)</translation>
    </message>
    <message>
        <source>The payloads&apos; bytes in base64, one row a line</source>
        <translation>载荷字节的 base64 形式，每条一行</translation>
    </message>
    <message>
        <source>Copy as &amp;JSON</source>
        <translation>复制为 JSON(&amp;J)</translation>
    </message>
    <message>
        <source>Each row as a JSON object: time, direction, kind, size, and text or base64</source>
        <translation>每行一个 JSON 对象：时间、方向、类型、大小，以及文本或 base64</translation>
    </message>
    <message>
        <source>&amp;Resend</source>
        <translation>重新发送(&amp;R)</translation>
    </message>
    <message>
        <source>Put the message into the composer, with its kind</source>
        <translation>将消息连同其类型放入消息编辑器</translation>
    </message>
    <message>
        <source>Resend &amp;now</source>
        <translation>立即重新发送(&amp;N)</translation>
    </message>
    <message>
        <source>Send the message again at once</source>
        <translation>立即再次发送该消息</translation>
    </message>
    <message>
        <source>&amp;Save payload to a file…</source>
        <translation>将载荷保存到文件(&amp;S)…</translation>
    </message>
    <message>
        <source>Write the payload&apos;s exact bytes to a file</source>
        <translation>将载荷的原始字节原样写入文件</translation>
    </message>
    <message>
        <source>Copy connection as a &amp;command line</source>
        <translation>将连接复制为命令行(&amp;C)</translation>
    </message>
    <message>
        <source>websocat and wscat commands for the row&apos;s connection, with its headers and subprotocols</source>
        <translation>该行所属连接的 websocat 和 wscat 命令，包含其头部和子协议</translation>
    </message>
    <message>
        <source>Select one message.</source>
        <translation>请选择一条消息。</translation>
    </message>
    <message>
        <source>Save payload</source>
        <translation>保存载荷</translation>
    </message>
    <message>
        <source>%1 was not saved: %2</source>
        <translation>%1 未保存：%2</translation>
    </message>
    <message>
        <source>Save as a saved &amp;message…</source>
        <translation>保存为保存的消息(&amp;M)…</translation>
    </message>
    <message>
        <source>Keep the message among the saved messages, under a name</source>
        <translation>以一个名称把这条消息放进保存的消息中</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Connect</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <source>wsscope</source>
        <translation>wsscope</translation>
    </message>
    <message>
        <source>Built-in echo server: %1</source>
        <translation>内置回显服务器：%1</translation>
    </message>
    <message>
        <source>The built-in echo server is not running.</source>
        <translation>内置回显服务器未运行。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open session…</source>
        <translation>打开会话(&amp;O)…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open a saved session, read-only (Ctrl+O)</source>
        <translation>以只读方式打开已保存的会话（Ctrl+O）</translation>
    </message>
    <message>
        <source>&amp;Save session as…</source>
        <translation>会话另存为(&amp;S)…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the session: the log, the handshakes and the wire (Ctrl+S)</source>
        <translation>保存会话：日志、握手和线路数据（Ctrl+S）</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;HAR (HTTP Archive)…</source>
        <translation>HAR（HTTP Archive）(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;pcapng (Wireshark)…</source>
        <translation>pcapng（Wireshark）(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Text…</source>
        <translation>文本(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Hide credentials in saved files</source>
        <translation>在保存的文件中隐藏凭据(&amp;H)</translation>
    </message>
    <message>
        <source>Authorization, Cookie, Set-Cookie and Proxy-Authorization values are written as asterisks in saved files, exports and the crash journal, and no credential is remembered in the settings.</source>
        <translation>在保存的文件、导出文件和崩溃恢复日志中，Authorization、Cookie、Set-Cookie 和 Proxy-Authorization 的值以星号写入，设置中也不会记住任何凭据。</translation>
    </message>
    <message>
        <source>&amp;Colours</source>
        <translation>配色(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;System (the desktop&apos;s)</source>
        <translation>系统（跟随桌面）(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Keep a crash journal</source>
        <translation>记录崩溃恢复日志(&amp;K)</translation>
    </message>
    <message>
        <source>Write the session to disk as it runs, so that a crash loses at most a second of it.</source>
        <translation>在会话进行时将其写入磁盘，这样即使崩溃，最多也只会丢失一秒的内容。</translation>
    </message>
    <message>
        <source>The journal starts with the next start of wsscope.</source>
        <translation>恢复日志将从下次启动 wsscope 时开始记录。</translation>
    </message>
    <message>
        <source>No journal is kept; the journal of this session is deleted.</source>
        <translation>不再记录恢复日志；本会话的恢复日志已删除。</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Co&amp;nnection</source>
        <translation>连接(&amp;N)</translation>
    </message>
    <message>
        <source>Go to &amp;URL bar</source>
        <translation>转到 URL 栏(&amp;U)</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>关闭(&amp;L)</translation>
    </message>
    <message>
        <source>Close with a co&amp;de…</source>
        <translation>指定关闭码关闭(&amp;D)…</translation>
    </message>
    <message>
        <source>Re&amp;quest options</source>
        <translation>请求选项(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Ping</source>
        <translation>发送 Ping(&amp;P)</translation>
    </message>
    <message>
        <source>Send a ping; its pong and the round trip appear in the log (Ctrl+Shift+P)</source>
        <translation>发送一个 Ping；其 Pong 和往返时间会显示在日志中（Ctrl+Shift+P）</translation>
    </message>
    <message>
        <source>Capture the &amp;wire (through the local tap)</source>
        <translation>捕获线路数据（经由本地中继）(&amp;W)</translation>
    </message>
    <message>
        <source>Off: QWebSocket connects by itself, and the inspector can show only what Qt reports.</source>
        <translation>关闭时：由 QWebSocket 自行连接，检查器只能显示 Qt 报告的信息。</translation>
    </message>
    <message>
        <source>The next connection is captured on the wire.</source>
        <translation>下一个连接将捕获线路数据。</translation>
    </message>
    <message>
        <source>The next connection is direct: no capture, timings or TLS details.</source>
        <translation>下一个连接为直连：没有抓包数据、计时和 TLS 详情。</translation>
    </message>
    <message>
        <source>Use the &amp;built-in echo server</source>
        <translation>使用内置回显服务器(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>日志(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Find in messages</source>
        <translation>在消息中搜索(&amp;F)</translation>
    </message>
    <message>
        <source>Show &amp;pings and pongs</source>
        <translation>显示 Ping 和 Pong(&amp;P)</translation>
    </message>
    <message>
        <source>Times &amp;relative to the connection</source>
        <translation>显示相对于连接开始的时间(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Clear</source>
        <translation>清空(&amp;C)</translation>
    </message>
    <message>
        <source>Clear log</source>
        <translation>清空日志</translation>
    </message>
    <message>
        <source>Clear the log and the Message tab (Ctrl+Shift+K)</source>
        <translation>清空日志和“消息”标签页（Ctrl+Shift+K）</translation>
    </message>
    <message>
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <source>&amp;Keep</source>
        <translation>保留(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Every row</source>
        <translation>所有行(&amp;E)</translation>
    </message>
    <message>
        <source>The newest %1 rows</source>
        <translation>最新的 %1 行</translation>
    </message>
    <message>
        <source>Go to &amp;message editor</source>
        <translation>转到消息编辑器(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System (%1)</source>
        <translation>跟随系统（%1）</translation>
    </message>
    <message>
        <source>&amp;About wsscope</source>
        <translation>关于 wsscope(&amp;A)</translation>
    </message>
    <message>
        <source>About wsscope</source>
        <translation>关于 wsscope</translation>
    </message>
    <message>
        <source>wsscope %1
A WebSocket tester that shows the handshake, every message and the close.
Built with Qt %2.</source>
        <translation>wsscope %1
一款 WebSocket 测试工具，可显示握手、每一条消息以及关闭过程。
基于 Qt %2 构建。</translation>
    </message>
    <message>
        <source>wsscope already speaks %1.</source>
        <translation>wsscope 的界面语言已是 %1。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>wsscope will speak %1 once it restarts.</source>
        <translation>wsscope 重启后界面语言将切换为 %1。</translation>
    </message>
    <message>
        <source>The log is not kept across the restart unless it is saved.</source>
        <translation>除非先保存，否则日志在重启后不会保留。</translation>
    </message>
    <message>
        <source>The connection is closed (1001) and the log is not kept across the restart unless it is saved.</source>
        <translation>连接将以 1001 关闭；除非先保存，否则日志在重启后不会保留。</translation>
    </message>
    <message>
        <source>&amp;Restart now</source>
        <translation>立即重启(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>稍后(&amp;L)</translation>
    </message>
    <message>
        <source>wsscope speaks %1 from its next start.</source>
        <translation>wsscope 下次启动时界面语言将切换为 %1。</translation>
    </message>
    <message>
        <source>Open a saved session</source>
        <translation>打开已保存的会话</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>%1 — wsscope</source>
        <translation>%1 — wsscope</translation>
    </message>
    <message>
        <source>Recover sessions</source>
        <translation>恢复会话</translation>
    </message>
    <message numerus="yes">
        <source>wsscope did not close cleanly last time. %n session(s) can be recovered from the journal:</source>
        <translation>
            <numerusform>wsscope 上次未正常关闭。可从恢复日志中恢复 %n 个会话：</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>打开(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>丢弃(&amp;D)</translation>
    </message>
    <message>
        <source>Ping</source>
        <comment>the toolbar&apos;s button: send a ping</comment>
        <translation>发送 Ping</translation>
    </message>
    <message>
        <source>%1 — %2, %3</source>
        <comment>a journal: its file name, when it was last written, its size</comment>
        <translation>%1 — %2，%3</translation>
    </message>
    <message>
        <source>Keep secrets in the settings file &amp;without a keyring</source>
        <translation>没有密钥环时把机密保存在设置文件中(&amp;W)</translation>
    </message>
    <message numerus="yes">
        <source>The passwords and tokens of %n connection(s) were moved from the settings file into the system keyring.</source>
        <translation>
            <numerusform>已把 %n 个连接的密码和令牌从设置文件移到系统密钥环中。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The passwords and tokens of %n connection(s) stay in the settings file: the keyring did not take them (%1).</source>
        <translation>
            <numerusform>%n 个连接的密码和令牌仍留在设置文件中：密钥环没有接收它们（%1）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Allowed, what you type is written in plain text to the settings file, readable by anyone who can read your files.</source>
        <translation>允许之后，你输入的内容会以明文写入设置文件，任何能读取你的文件的人都能看到。</translation>
    </message>
    <message>
        <source>Open co&amp;llection…</source>
        <translation>打开集合(&amp;L)…</translation>
    </message>
    <message>
        <source>Open a collection</source>
        <translation>打开集合</translation>
    </message>
    <message>
        <source>Collections and Insomnia exports (*.json);;All files (*)</source>
        <translation>集合和 Insomnia 导出 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot read &quot;%1&quot;: %2.</source>
        <translation>无法读取“%1”：%2。</translation>
    </message>
    <message>
        <source>Cannot read the Insomnia export &quot;%1&quot;: %2</source>
        <translation>无法读取 Insomnia 导出“%1”：%2</translation>
    </message>
    <message>
        <source>Cannot read the collection &quot;%1&quot;: %2</source>
        <translation>无法读取集合“%1”：%2</translation>
    </message>
    <message>
        <source>Collection</source>
        <translation>集合</translation>
    </message>
    <message>
        <source>Imported; not taken over: %1</source>
        <translation>已导入；未导入的部分：%1</translation>
    </message>
    <message>
        <source>Save collection &amp;as…</source>
        <translation>集合另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the collection</source>
        <translation>保存集合</translation>
    </message>
    <message>
        <source>Collections (*.json)</source>
        <translation>集合 (*.json)</translation>
    </message>
    <message>
        <source>Write the collection in the sidebar to a wsscope collection file, without its secrets (an Insomnia export becomes a collection)</source>
        <translation>把侧栏中的集合写入 wsscope 集合文件，不含其中的机密（Insomnia 导出由此变成集合）</translation>
    </message>
    <message>
        <source>No collection is open.</source>
        <translation>没有打开任何集合。</translation>
    </message>
    <message>
        <source>Collection saved to %1</source>
        <translation>集合已保存到 %1</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Each tab is one connection. Ctrl+T: new tab, Ctrl+W: close it, Ctrl+Tab and Ctrl+Shift+Tab: the next and the previous one; drag a tab to move it.</source>
        <translation>每个标签页是一个连接。Ctrl+T：新建标签页，Ctrl+W：关闭它，Ctrl+Tab 和 Ctrl+Shift+Tab：下一个和上一个；拖动标签页可移动它。</translation>
    </message>
    <message>
        <source>New tab (Ctrl+T)</source>
        <translation>新建标签页（Ctrl+T）</translation>
    </message>
    <message>
        <source>New tab</source>
        <translation>新建标签页</translation>
    </message>
    <message>
        <source>Close tab</source>
        <translation>关闭标签页</translation>
    </message>
    <message>
        <source>The connection of &quot;%1&quot; is open.</source>
        <translation>“%1”的连接仍处于打开状态。</translation>
    </message>
    <message>
        <source>The log of &quot;%1&quot; has not been saved.</source>
        <translation>“%1”的日志尚未保存。</translation>
    </message>
    <message>
        <source>Closing the tab closes the connection (1001) and discards its log.</source>
        <translation>关闭标签页会关闭连接（1001）并丢弃其日志。</translation>
    </message>
    <message>
        <source>Closing the tab discards its log.</source>
        <translation>关闭标签页会丢弃其日志。</translation>
    </message>
    <message>
        <source>&amp;Close tab</source>
        <translation>关闭标签页(&amp;C)</translation>
    </message>
    <message>
        <source>New &amp;tab</source>
        <translation>新建标签页(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Duplicate tab</source>
        <translation>复制标签页(&amp;D)</translation>
    </message>
    <message>
        <source>Close ta&amp;b</source>
        <translation>关闭标签页(&amp;B)</translation>
    </message>
    <message>
        <source>A new connection in a tab of its own, on the built-in echo server (Ctrl+T)</source>
        <translation>在新的标签页中打开一个连接，指向内置回显服务器（Ctrl+T）</translation>
    </message>
    <message>
        <source>Next tab</source>
        <translation>下一个标签页</translation>
    </message>
    <message>
        <source>Previous tab</source>
        <translation>上一个标签页</translation>
    </message>
    <message>
        <source>&amp;New collection…</source>
        <translation>新建集合(&amp;N)…</translation>
    </message>
    <message>
        <source>New collection</source>
        <translation>新建集合</translation>
    </message>
    <message>
        <source>Start an empty collection file, to keep profiles in (File &gt; Save tab to profile)</source>
        <translation>新建一个空的集合文件，用来保存连接配置（文件 &gt; 把标签页保存到连接配置）</translation>
    </message>
    <message>
        <source>Save tab to p&amp;rofile</source>
        <translation>把标签页保存到连接配置(&amp;R)</translation>
    </message>
    <message>
        <source>Keep the tab&apos;s URL, request tabs and saved messages in its profile, or as a new profile in the collection (Ctrl+Shift+S)</source>
        <translation>把标签页的 URL、请求标签页和保存的消息保存到它的连接配置，或作为集合中的新连接配置（Ctrl+Shift+S）</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>新建连接配置</translation>
    </message>
    <message>
        <source>Name of the profile:</source>
        <translation>连接配置名称：</translation>
    </message>
    <message>
        <source>The server of &quot;%1&quot; is running; closing the tab stops it and discards what it recorded.</source>
        <translation>“%1”的服务器正在运行；关闭标签页会停止它并丢弃它记录的内容。</translation>
    </message>
    <message>
        <source>New ser&amp;ver tab</source>
        <translation>新建服务器标签页(&amp;V)</translation>
    </message>
    <message>
        <source>A WebSocket server in a tab of its own, to see what your own client sends</source>
        <translation>在单独的标签页中运行一个 WebSocket 服务器，查看你自己的客户端发送了什么</translation>
    </message>
    <message>
        <source>What the server of &quot;%1&quot; recorded has not been saved; closing the tab discards it.</source>
        <translation>“%1”的服务器所记录的内容尚未保存；关闭标签页会丢弃它。</translation>
    </message>
    <message>
        <source>Quit wsscope</source>
        <translation>退出 wsscope</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Quitting closes every connection (1001), stops every server and discards their logs.</source>
        <translation>退出会关闭所有连接（1001）、停止所有服务器，并丢弃它们的日志。</translation>
    </message>
    <message numerus="yes">
        <source>What %n tab(s) recorded was not saved: %1</source>
        <translation>
            <numerusform>%n 个标签页记录的内容尚未保存：%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Message as text</source>
        <translation>以文本显示的消息</translation>
    </message>
    <message>
        <source>Message as JSON</source>
        <translation>以 JSON 显示的消息</translation>
    </message>
    <message>
        <source>Message as hex</source>
        <translation>以十六进制显示的消息</translation>
    </message>
    <message>
        <source>Wra&amp;p lines</source>
        <translation>自动换行(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Previous page</source>
        <translation>上一页(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next page</source>
        <translation>下一页(&amp;N)</translation>
    </message>
    <message>
        <source>Cop&amp;y message</source>
        <translation>复制消息(&amp;Y)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>Hex</translation>
    </message>
    <message>
        <source>Tree</source>
        <translation>树</translation>
    </message>
    <message>
        <source>The JSON message as a tree that folds; right-click to copy a value or its path</source>
        <translation>以可折叠的树显示 JSON 消息；右键可复制值或其路径</translation>
    </message>
    <message>
        <source>Select a message in the log to read it here.</source>
        <translation>在日志中选择一条消息，即可在这里阅读。</translation>
    </message>
    <message>
        <source>Bytes %1 to %2:</source>
        <translation>第 %1 到 %2 字节：</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <source>No message.</source>
        <translation>没有消息。</translation>
    </message>
    <message>
        <source>A binary message is not read as JSON.</source>
        <translation>二进制消息不按 JSON 读取。</translation>
    </message>
    <message>
        <source>Larger than %1 MiB: no tree; the JSON view shows it a page at a time.</source>
        <translation>大于 %1 MiB：不生成树；JSON 视图会分页显示。</translation>
    </message>
    <message>
        <source>Larger than %1 MiB: not read as JSON; see the Text view.</source>
        <translation>大于 %1 MiB：不按 JSON 读取；请查看文本视图。</translation>
    </message>
    <message>
        <source>Not valid JSON: %1 at line %2, column %3 (byte %4).</source>
        <translation>不是有效的 JSON：%1，位于第 %2 行第 %3 列（第 %4 字节）。</translation>
    </message>
    <message>
        <source>Valid JSON, shown as it arrived: keys in their order, numbers and strings as written.</source>
        <translation>有效的 JSON，按收到时的原样显示：键保持原有顺序，数字和字符串保持原有写法。</translation>
    </message>
    <message>
        <source>This page is cut at %1 KiB of indented text.</source>
        <translation>此页在缩进后的文本 %1 KiB 处截断。</translation>
    </message>
    <message>
        <source>Repeated key: %1 at line %2, column %3 (byte %4) is already at line %5, column %6. A JSON parser keeps one of them (which one depends on the parser).</source>
        <translation>重复的键：第 %2 行第 %3 列（第 %4 字节）的 %1 已在第 %5 行第 %6 列出现过。JSON 解析器只会保留其中一个（保留哪个取决于解析器）。</translation>
    </message>
    <message numerus="yes">
        <source>%n repeated key(s) in all, underlined in red.</source>
        <translation>
            <numerusform>共 %n 个重复的键，已用红色下划线标出。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PagedText</name>
    <message>
        <source>Previous page</source>
        <translation>上一页</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>下一页</translation>
    </message>
    <message>
        <source>Save all…</source>
        <translation>全部保存…</translation>
    </message>
    <message>
        <source>Write the text of every page to a file</source>
        <translation>将所有页的文本写入文件</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1：</translation>
    </message>
    <message>
        <source>%1 (continued):</source>
        <translation>%1（续）：</translation>
    </message>
    <message>
        <source>Showing bytes %1 to %2 of %3, page %4 of %5.</source>
        <translation>显示第 %1 至 %2 字节（共 %3 字节），第 %4/%5 页。</translation>
    </message>
    <message>
        <source>Showing characters %1 to %2 of %3, page %4 of %5.</source>
        <translation>显示第 %1 至 %2 个字符（共 %3 个），第 %4/%5 页。</translation>
    </message>
    <message>
        <source>Save all</source>
        <translation>全部保存</translation>
    </message>
    <message>
        <source>Text files (*.txt);;All files (*)</source>
        <translation>文本文件 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>PayloadFormat</name>
    <message>
        <source>Hex digit at position %1 has no partner: write bytes as two digits, like 0a.</source>
        <translation>第 %1 个位置的十六进制数字没有配对：每个字节须写成两位数字，如 0a。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; at position %2 is not a hex digit.</source>
        <translation>第 %2 个位置的“%1”不是十六进制数字。</translation>
    </message>
</context>
<context>
    <name>Pcapng</name>
    <message>
        <source>The server is %1, shown as %2 because this file holds IPv4 packets.</source>
        <translation>服务器为 %1，由于此文件只含 IPv4 数据包，显示为 %2。</translation>
    </message>
    <message>
        <source>The server is %1, shown as the documentation address %2 because this file holds IPv4 packets.</source>
        <translation>服务器为 %1，由于此文件只含 IPv4 数据包，显示为文档保留地址 %2。</translation>
    </message>
    <message>
        <source>The server&apos;s address is not known (host %1); it is shown as the documentation address %2.</source>
        <translation>服务器地址未知（主机 %1）；显示为文档保留地址 %2。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>The client address %1 is a documentation address, not wsscope&apos;s real one.</source>
        <translation>客户端地址 %1 是文档保留地址，不是 wsscope 的真实地址。</translation>
    </message>
    <message>
        <source>The server&apos;s real port is %1; it is shown as port %2 so that Wireshark dissects the stream as HTTP and WebSocket with its default settings.</source>
        <translation>服务器的真实端口为 %1；此处显示为端口 %2，以便 Wireshark 按默认设置将该流解析为 HTTP 和 WebSocket。</translation>
    </message>
    <message>
        <source>wsscope connection %1: %2.</source>
        <translation>wsscope 连接 %1：%2。</translation>
    </message>
    <message>
        <source>The bytes are those wsscope&apos;s wire tap relayed, as they were.</source>
        <translation>这些字节是 wsscope 本地中继原样转发的内容。</translation>
    </message>
    <message>
        <source>Rebuilt from the session&apos;s handshake and message log: the WebSocket frames are one frame per message; the original fragmentation, masking keys and frames Qt sent on its own (pongs) are not known.</source>
        <translation>根据会话的握手和消息日志重建：WebSocket 帧按每条消息一帧生成；原始分片、掩码键以及 Qt 自行发送的帧（Pong）均无法得知。</translation>
    </message>
    <message>
        <source>TLS is not in this file: the stream is the plaintext inside it.</source>
        <translation>此文件不含 TLS：流中是 TLS 内部的明文。</translation>
    </message>
    <message>
        <source>The connection was still open when this file was written.</source>
        <translation>写入此文件时，连接仍处于打开状态。</translation>
    </message>
    <message>
        <source>wss://: this is the plaintext inside TLS, as seen by wsscope (the TLS records are not in this file). The real server is %1.</source>
        <translation>wss://：这是 wsscope 所见的 TLS 内部明文（此文件不含 TLS 记录）。真实服务器为 %1。</translation>
    </message>
    <message>
        <source>WebSocket frames rebuilt from wsscope&apos;s message log: one frame per message.</source>
        <translation>根据 wsscope 的消息日志重建的 WebSocket 帧：每条消息一帧。</translation>
    </message>
    <message>
        <source>Could not write the capture: the file is not open for writing.</source>
        <translation>无法写入抓包数据：文件未以写入方式打开。</translation>
    </message>
    <message numerus="yes">
        <source>Written by wsscope from a session of %n WebSocket connection(s)</source>
        <translation>
            <numerusform>由 wsscope 根据包含 %n 个 WebSocket 连接的会话写入</numerusform>
        </translation>
    </message>
    <message>
        <source>Each connection is one TCP stream with synthetic Ethernet, IPv4 and TCP headers around the bytes wsscope saw; see the comment on each stream&apos;s first packet.</source>
        <translation>每个连接对应一个 TCP 流，在 wsscope 所见的字节外包上合成的以太网、IPv4 和 TCP 头部；详见每个流第一个数据包的注释。</translation>
    </message>
    <message>
        <source>WebSocket connections seen by wsscope, in synthetic TCP streams</source>
        <translation>wsscope 所见的 WebSocket 连接，封装于合成的 TCP 流中</translation>
    </message>
    <message>
        <source>Could not write the capture: %1</source>
        <translation>无法写入抓包数据：%1</translation>
    </message>
</context>
<context>
    <name>ProxySetting</name>
    <message>
        <source>&quot;%1&quot; is not a proxy: write http://host:port or socks5://host:port (with user:password@ before the host if it needs them), system or none.</source>
        <translation>“%1”不是有效的代理：请写成 http://host:port 或 socks5://host:port（如需认证，在主机前加上 user:password@），或者 system、none。</translation>
    </message>
    <message>
        <source>The proxy &quot;%1&quot; has the scheme %2: use http:// (CONNECT) or socks5://.</source>
        <translation>代理“%1”的协议为 %2：请使用 http://（CONNECT）或 socks5://。</translation>
    </message>
    <message>
        <source>The proxy &quot;%1&quot; needs a port from 1 to 65535, as in %2://%3:8080.</source>
        <translation>代理“%1”需要 1 到 65535 之间的端口，例如 %2://%3:8080。</translation>
    </message>
    <message>
        <source>The proxy &quot;%1&quot; has a path; give only host and port.</source>
        <translation>代理“%1”包含路径；只需提供主机和端口。</translation>
    </message>
    <message>
        <source>The proxy &quot;%1&quot; has a query or a fragment; give only host and port.</source>
        <translation>代理“%1”包含查询或片段；只需提供主机和端口。</translation>
    </message>
</context>
<context>
    <name>QWebSocketDataProcessor</name>
    <message>
        <source>Received message is too big.</source>
        <translation>Received message is too big.</translation>
    </message>
</context>
<context>
    <name>QWebSocketFrame</name>
    <message>
        <source>Maximum framesize exceeded.</source>
        <translation>Maximum framesize exceeded.</translation>
    </message>
</context>
<context>
    <name>RecentMessages</name>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Cannot make the folder &quot;%1&quot;.</source>
        <translation>无法创建文件夹“%1”。</translation>
    </message>
</context>
<context>
    <name>Reconnector</name>
    <message numerus="yes">
        <source>Not reconnecting to %1: %n attempt(s) made, the limit.</source>
        <translation>
            <numerusform>不再重连 %1：已尝试 %n 次，达到上限。</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting to %1 in %2 s (attempt %3 of %4)</source>
        <translation>%2 秒后重连 %1（第 %3 次，共 %4 次）</translation>
    </message>
    <message>
        <source>Reconnecting to %1 in %2 s (attempt %3)</source>
        <translation>%2 秒后重连 %1（第 %3 次）</translation>
    </message>
    <message>
        <source>Could not reconnect: %1</source>
        <translation>无法重连：%1</translation>
    </message>
</context>
<context>
    <name>RequestEditor</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Remove row</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Header values are Latin-1 on the wire; this one has other characters.</source>
        <translation>头部值在线路上以 Latin-1 编码；此值包含其他字符。</translation>
    </message>
    <message>
        <source>Query parameters</source>
        <translation>查询参数</translation>
    </message>
    <message>
        <source>Request headers</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>Reconnect when the connection ends without you closing it</source>
        <translation>连接意外结束（不是你关闭的）时自动重连</translation>
    </message>
    <message>
        <source>Kept in step with the URL. Unticked rows are left out of it.</source>
        <translation>与 URL 保持同步。未勾选的行不会写入 URL。</translation>
    </message>
    <message>
        <source>Sent with the upgrade request, in this order. Unticked rows are not sent.</source>
        <translation>随升级请求按此顺序发送。未勾选的行不发送。</translation>
    </message>
    <message>
        <source>&amp;Params</source>
        <translation>查询参数(&amp;P)</translation>
    </message>
    <message>
        <source>Hea&amp;ders</source>
        <translation>头部(&amp;D)</translation>
    </message>
    <message>
        <source>No Authorization header</source>
        <translation>不添加 Authorization 头部</translation>
    </message>
    <message>
        <source>Basic (user and password)</source>
        <translation>Basic（用户名和密码）</translation>
    </message>
    <message>
        <source>Bearer token</source>
        <translation>Bearer 令牌</translation>
    </message>
    <message>
        <source>&amp;Type</source>
        <translation>类型(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>用户名(&amp;U)</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>密码(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Auth</source>
        <translation>授权(&amp;A)</translation>
    </message>
    <message>
        <source>chat.v2, json (in order of preference)</source>
        <translation>chat.v2, json（按优先顺序）</translation>
    </message>
    <message>
        <source>Offered in Sec-WebSocket-Protocol; the server picks one or none.</source>
        <translation>在 Sec-WebSocket-Protocol 中提供；服务器从中选择一个或都不选。</translation>
    </message>
    <message>
        <source>https://example.com (none when empty)</source>
        <translation>https://example.com（留空则不发送）</translation>
    </message>
    <message>
        <source>Sub&amp;protocols</source>
        <translation>子协议(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Origin</source>
        <translation>Origin(&amp;O)</translation>
    </message>
    <message>
        <source>P&amp;rotocols</source>
        <translation>协议(&amp;R)</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>no pings</source>
        <translation>不发送 Ping</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限制</translation>
    </message>
    <message>
        <source> KiB</source>
        <translation> KiB</translation>
    </message>
    <message>
        <source>Qt&apos;s limit (2 GiB)</source>
        <translation>Qt 的上限（2 GiB）</translation>
    </message>
    <message>
        <source>A ping every so often while open; each pong&apos;s round trip is logged.</source>
        <translation>连接期间定期发送 Ping；每个 Pong 的往返时间都会记入日志。</translation>
    </message>
    <message>
        <source>A ping with no pong in this time marks the connection dead: it is aborted.</source>
        <translation>发出 Ping 后在此时间内未收到 Pong，即认为连接已失效并中止连接。</translation>
    </message>
    <message>
        <source>A larger message from the server closes the connection with 1009.</source>
        <translation>服务器发来的消息超过此大小时，将以 1009 关闭连接。</translation>
    </message>
    <message>
        <source>Ping every</source>
        <translation>Ping 间隔</translation>
    </message>
    <message>
        <source>pong within</source>
        <translation>Pong 超时</translation>
    </message>
    <message>
        <source>Keep-alive</source>
        <translation>心跳保活</translation>
    </message>
    <message>
        <source>first after</source>
        <translation>首次等待</translation>
    </message>
    <message>
        <source>doubling up to</source>
        <translation>倍增至</translation>
    </message>
    <message>
        <source>attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Backoff</source>
        <translation>退避</translation>
    </message>
    <message>
        <source>Handshake within</source>
        <translation>握手超时</translation>
    </message>
    <message>
        <source>largest message</source>
        <translation>最大消息</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>限制</translation>
    </message>
    <message>
        <source>Co&amp;nnection</source>
        <translation>连接(&amp;N)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>PEM file of extra certificate authorities (the system&apos;s are trusted too)</source>
        <translation>额外证书颁发机构 (CA) 的 PEM 文件（系统的 CA 也受信任）</translation>
    </message>
    <message>
        <source>client certificate: PEM, or PKCS#12 (.p12, .pfx) with its key</source>
        <translation>客户端证书：PEM，或带私钥的 PKCS#12（.p12、.pfx）</translation>
    </message>
    <message>
        <source>PEM key of a PEM client certificate</source>
        <translation>PEM 客户端证书的 PEM 私钥</translation>
    </message>
    <message>
        <source>of the PKCS#12 file or of an encrypted key</source>
        <translation>PKCS#12 文件或加密私钥的口令</translation>
    </message>
    <message>
        <source>none, system, http://user:password@host:port or socks5://host:port</source>
        <translation>none、system、http://user:password@host:port 或 socks5://host:port</translation>
    </message>
    <message>
        <source>&amp;CA file</source>
        <translation>CA 文件(&amp;C)</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Client c&amp;ertificate</source>
        <translation>客户端证书(&amp;E)</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.p12 *.pfx);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.p12 *.pfx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Client &amp;key</source>
        <translation>客户端私钥(&amp;K)</translation>
    </message>
    <message>
        <source>Keys (*.pem *.key);;All files (*)</source>
        <translation>私钥 (*.pem *.key);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Pa&amp;ssphrase</source>
        <translation>口令(&amp;S)</translation>
    </message>
    <message>
        <source>Pro&amp;xy</source>
        <translation>代理(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;TLS &amp;&amp; proxy</source>
        <translation>TLS &amp;&amp; 代理(&amp;T)</translation>
    </message>
    <message>
        <source>Send this row</source>
        <translation>发送此行</translation>
    </message>
    <message>
        <source>Row %1 has this name already. %2</source>
        <translation>第 %1 行已有同名头部。%2</translation>
    </message>
    <message>
        <source>Header row %1: %2</source>
        <translation>头部第 %1 行：%2</translation>
    </message>
    <message>
        <source>Authorization is set twice: in the Headers tab and in the Auth tab.</source>
        <translation>Authorization 设置了两次：分别在“头部”标签页和“授权”标签页中。</translation>
    </message>
    <message>
        <source>The Auth tab asks for a bearer token, and the token is empty.</source>
        <translation>“授权”标签页要求使用 Bearer 令牌，但令牌为空。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a subprotocol: use letters, digits and !#$%&amp;&apos;*+-.^_`|~ only.</source>
        <translation>“%1”不能作为子协议：只能使用字母、数字和 !#$%&amp;&apos;*+-.^_`|~。</translation>
    </message>
    <message>
        <source>A subprotocol is listed twice.</source>
        <translation>有子协议被列出了两次。</translation>
    </message>
    <message>
        <source>The origin may only hold printable Latin-1 characters.</source>
        <translation>Origin 只能包含可打印的 Latin-1 字符。</translation>
    </message>
    <message>
        <source>token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>No Authorization header is added.</source>
        <translation>不添加 Authorization 头部。</translation>
    </message>
    <message>
        <source>Sends Authorization: Basic followed by the base64 of user:password.</source>
        <translation>发送 Authorization: Basic，后跟 user:password 的 base64 编码。</translation>
    </message>
    <message>
        <source>Sends Authorization: Bearer followed by the token.</source>
        <translation>发送 Authorization: Bearer，后跟令牌。</translation>
    </message>
    <message>
        <source>&amp;Params (%1)</source>
        <translation>查询参数（%1）(&amp;P)</translation>
    </message>
    <message>
        <source>Hea&amp;ders (%1)</source>
        <translation>头部（%1）(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Auth (on)</source>
        <translation>授权（已启用）(&amp;A)</translation>
    </message>
    <message>
        <source>P&amp;rotocols (set)</source>
        <translation>协议（已设置）(&amp;R)</translation>
    </message>
</context>
<context>
    <name>ResolvedRequest</name>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>URL: %1</source>
        <translation>URL：%1</translation>
    </message>
    <message>
        <source>Header %1 name</source>
        <translation>头部 %1 名称</translation>
    </message>
    <message>
        <source>Header %1 (%2) value</source>
        <translation>头部 %1（%2）值</translation>
    </message>
    <message>
        <source>Header %1 (%2): only Latin-1 characters can be sent in a header.</source>
        <translation>头部 %1（%2）：头部中只能发送 Latin-1 字符。</translation>
    </message>
    <message>
        <source>Header %1: %2</source>
        <translation>头部 %1：%2</translation>
    </message>
    <message>
        <source>Auth user</source>
        <translation>授权用户</translation>
    </message>
    <message>
        <source>Auth token</source>
        <translation>授权令牌</translation>
    </message>
    <message>
        <source>Auth password</source>
        <translation>授权密码</translation>
    </message>
    <message>
        <source>Authorization is set twice: in the headers and in the auth helper.</source>
        <translation>Authorization 设置了两次：在头部中和在授权助手中。</translation>
    </message>
    <message>
        <source>Auth: the profile asks for a bearer token, and the token is empty.</source>
        <translation>授权：连接配置要求 Bearer 令牌，但令牌为空。</translation>
    </message>
    <message>
        <source>Subprotocols</source>
        <translation>子协议</translation>
    </message>
    <message>
        <source>Subprotocols: &quot;%1&quot; cannot be a subprotocol: use letters, digits and !#$%&amp;&apos;*+-.^_`|~ only.</source>
        <translation>子协议：“%1”不能作为子协议：只能使用字母、数字和 !#$%&amp;&apos;*+-.^_`|~。</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origin</translation>
    </message>
    <message>
        <source>Origin: only printable Latin-1 characters can be sent.</source>
        <translation>Origin：只能发送可打印的 Latin-1 字符。</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA 文件</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>客户端证书</translation>
    </message>
    <message>
        <source>Client key</source>
        <translation>客户端私钥</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>Proxy: %1</source>
        <translation>代理：%1</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>代理密码</translation>
    </message>
</context>
<context>
    <name>SavedMessage</name>
    <message>
        <source>Message &quot;%1&quot;</source>
        <translation>消息“%1”</translation>
    </message>
    <message>
        <source>Message &quot;%1&quot;: %2</source>
        <translation>消息“%1”：%2</translation>
    </message>
    <message>
        <source>Message &quot;%1&quot;: cannot read &quot;%2&quot;: %3</source>
        <translation>消息“%1”：无法读取“%2”：%3</translation>
    </message>
</context>
<context>
    <name>SavedMessageDialog</name>
    <message>
        <source>Send on &amp;open, on every connection and reconnect</source>
        <translation>连接打开时发送，每次连接和重连都发送(&amp;O)</translation>
    </message>
    <message>
        <source>Saved message</source>
        <translation>保存的消息</translation>
    </message>
    <message>
        <source>The message; {{variables}} and {{$timestamp}}, {{$randomUUID}} are filled in when it is sent. For a file: its path.</source>
        <translation>消息内容；发送时会填入 {{变量}} 以及 {{$timestamp}}、{{$randomUUID}}。文件则填写它的路径。</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>类型(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;Body</source>
        <translation>内容(&amp;B)</translation>
    </message>
    <message>
        <source>Give the message a name.</source>
        <translation>请给消息起一个名称。</translation>
    </message>
    <message>
        <source>Give the path of the file to send.</source>
        <translation>请给出要发送的文件的路径。</translation>
    </message>
    <message>
        <source>Not valid JSON (%1); it is sent as written.</source>
        <translation>不是有效的 JSON（%1）；会按原样发送。</translation>
    </message>
</context>
<context>
    <name>SavedMessageModel</name>
    <message>
        <source>, sent on open</source>
        <translation>，打开时发送</translation>
    </message>
    <message>
        <source>Ctrl+%1 sends it. </source>
        <translation>按 Ctrl+%1 发送。</translation>
    </message>
    <message>
        <source>Ticked: sent on every open and reconnect.</source>
        <translation>勾选：每次连接打开和重连时发送。</translation>
    </message>
    <message>
        <source>%1 (copy)</source>
        <translation>%1（副本）</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Binary (hex)</source>
        <translation>二进制（hex）</translation>
    </message>
    <message>
        <source>File (binary)</source>
        <translation>文件（二进制）</translation>
    </message>
</context>
<context>
    <name>SavedMessagesPane</name>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>D&amp;uplicate</source>
        <translation>复制一份(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Move do&amp;wn</source>
        <translation>下移(&amp;W)</translation>
    </message>
    <message>
        <source>Search saved messages</source>
        <translation>搜索保存的消息</translation>
    </message>
    <message>
        <source>Saved messages</source>
        <translation>保存的消息</translation>
    </message>
    <message>
        <source>No saved messages for this URL. Write one in the composer and click Save.</source>
        <translation>这个 URL 还没有保存的消息。在编辑器中写一条，然后点“保存”。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save the composer&apos;s message under a name</source>
        <translation>以一个名称保存编辑器中的消息</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send the selected message (Enter, a double click, or Ctrl+1 to Ctrl+9)</source>
        <translation>发送选中的消息（Enter、双击，或 Ctrl+1 到 Ctrl+9）</translation>
    </message>
    <message>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <source>Edit, duplicate, delete or move the selected message</source>
        <translation>编辑、复制、删除或移动选中的消息</translation>
    </message>
    <message>
        <source>Move u&amp;p</source>
        <translation>上移(&amp;P)</translation>
    </message>
    <message>
        <source>Message %1</source>
        <translation>消息 %1</translation>
    </message>
</context>
<context>
    <name>ScriptRunner</name>
    <message>
        <source>1 message</source>
        <translation>1 条消息</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation>%1 条消息</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 字节</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>, reason &quot;%1&quot;</source>
        <translation>，原因“%1”</translation>
    </message>
    <message>
        <source>closed by us with %1</source>
        <translation>由我方以 %1 关闭</translation>
    </message>
    <message>
        <source>closed by the server with %1</source>
        <translation>由服务器以 %1 关闭</translation>
    </message>
    <message>
        <source>closed by Qt&apos;s WebSocket client with %1</source>
        <translation>由 Qt 的 WebSocket 客户端以 %1 关闭</translation>
    </message>
    <message>
        <source>closed with %1</source>
        <translation>以 %1 关闭</translation>
    </message>
    <message>
        <source>the connection ended without a Close frame (%1)</source>
        <translation>连接在未收发 Close 帧的情况下结束（%1）</translation>
    </message>
    <message>
        <source>There is no session to connect with.</source>
        <translation>没有可用于连接的会话。</translation>
    </message>
    <message>
        <source>The connection could not be opened.</source>
        <translation>无法建立连接。</translation>
    </message>
    <message>
        <source>the connection did not open</source>
        <translation>连接未建立</translation>
    </message>
    <message>
        <source>the close did not complete</source>
        <translation>关闭未完成</translation>
    </message>
    <message>
        <source>Sent %1 (%2), received %3 (%4) in %5; %6</source>
        <translation>发送 %1（%2），接收 %3（%4），耗时 %5；%6</translation>
    </message>
    <message>
        <source>Could not send message %1 of %2: %3</source>
        <translation>无法发送第 %1 条消息（共 %2 条）：%3</translation>
    </message>
    <message>
        <source>not every message was sent</source>
        <translation>并非所有消息都已发送</translation>
    </message>
    <message>
        <source>received %1 of the %2 expected</source>
        <translation>收到 %1 条，预期为 %2</translation>
    </message>
    <message>
        <source>Timed out after %1: %2.</source>
        <translation>%1 后超时：%2。</translation>
    </message>
    <message>
        <source>The connection did not close within %1; aborting it.</source>
        <translation>连接未在 %1 内关闭，正在中止连接。</translation>
    </message>
    <message>
        <source>The connection to %1 did not open.</source>
        <translation>未能建立到 %1 的连接。</translation>
    </message>
    <message>
        <source>The connection ended before every expected message arrived (%1): %2</source>
        <translation>在所有预期消息到达之前连接已结束（%1）：%2</translation>
    </message>
    <message>
        <source>The connection ended before every message was sent: %1</source>
        <translation>在所有消息发送完毕之前连接已结束：%1</translation>
    </message>
    <message>
        <source>Protocol findings on the wire: %1</source>
        <translation>线路上发现的协议问题：%1</translation>
    </message>
    <message>
        <source>the session is gone.</source>
        <translation>会话已不存在。</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
</context>
<context>
    <name>SecretStore</name>
    <message>
        <source>the settings file cannot be written</source>
        <translation>无法写入设置文件</translation>
    </message>
    <message>
        <source>no keyring is used (WSSCOPE_KEYRING=none)</source>
        <translation>未使用密钥环（WSSCOPE_KEYRING=none）</translation>
    </message>
    <message>
        <source>Looking for the system keyring…</source>
        <translation>正在查找系统密钥环…</translation>
    </message>
    <message>
        <source>Passwords, tokens and passphrases are kept in the system keyring.</source>
        <translation>密码、令牌和口令保存在系统密钥环中。</translation>
    </message>
    <message>
        <source>No system keyring answered, so passwords, tokens and passphrases are kept for this session only; they are gone when wsscope quits.</source>
        <translation>没有系统密钥环响应，因此密码、令牌和口令只在本次会话中保留；wsscope 退出后它们就没有了。</translation>
    </message>
    <message>
        <source>No system keyring answered; as you allowed, passwords, tokens and passphrases are kept in plain text in the settings file.</source>
        <translation>没有系统密钥环响应；按你的允许，密码、令牌和口令以明文保存在设置文件中。</translation>
    </message>
</context>
<context>
    <name>ServerPane</name>
    <message>
        <source>handshake</source>
        <translation>握手中</translation>
    </message>
    <message>
        <source>open</source>
        <translation>已打开</translation>
    </message>
    <message>
        <source>closing</source>
        <translation>关闭中</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Requ&amp;ire one</source>
        <translation>必须提供其一(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <source>Settin&amp;gs</source>
        <translation>设置(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>Send to &amp;all</source>
        <translation>发给所有客户端(&amp;A)</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>127.0.0.1 (this machine only)</source>
        <translation>127.0.0.1（仅本机）</translation>
    </message>
    <message>
        <source>All interfaces (0.0.0.0)</source>
        <translation>所有网络接口（0.0.0.0）</translation>
    </message>
    <message>
        <source>Any machine that can reach this one can connect and see what the server sends.</source>
        <translation>任何能访问到本机的机器都能连接，并看到服务器发送的内容。</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <source>any path; or /chat, /feed</source>
        <translation>任意路径；或 /chat, /feed</translation>
    </message>
    <message>
        <source>The paths answered, separated by commas; any other gets 404 Not Found.</source>
        <translation>回应的路径，以逗号分隔；其他路径得到 404 Not Found。</translation>
    </message>
    <message>
        <source>none: ws://; a PEM or PKCS#12 file: wss://</source>
        <translation>不填：ws://；PEM 或 PKCS#12 文件：wss://</translation>
    </message>
    <message>
        <source>PEM key, unless the certificate&apos;s file holds it</source>
        <translation>PEM 私钥，证书文件已含私钥时不填</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Private key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>Echo every message</source>
        <translation>回显每条消息</translation>
    </message>
    <message>
        <source>Silent</source>
        <translation>不回复</translation>
    </message>
    <message>
        <source>Answer with this text:</source>
        <translation>用这段文本回复：</translation>
    </message>
    <message>
        <source>sent in answer to every message</source>
        <translation>作为对每条消息的回复发送</translation>
    </message>
    <message>
        <source>Accept: 101 Switching Protocols</source>
        <translation>接受：101 Switching Protocols</translation>
    </message>
    <message>
        <source>Refuse: %1 %2</source>
        <translation>拒绝：%1 %2</translation>
    </message>
    <message>
        <source>Name: value (none: not required)</source>
        <translation>Name: value（不填：不要求）</translation>
    </message>
    <message>
        <source>chat, mqtt (the first one offered is answered)</source>
        <translation>chat, mqtt（回应客户端提供的第一个）</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Start the server: the URL to give your client appears here.</source>
        <translation>启动服务器后，这里会显示供你的客户端使用的 URL。</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>服务器 URL</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>端口(&amp;O)：</translation>
    </message>
    <message>
        <source>&amp;Key:</source>
        <translation>私钥(&amp;K)：</translation>
    </message>
    <message>
        <source>R&amp;eply:</source>
        <translation>回复(&amp;E)：</translation>
    </message>
    <message>
        <source>Re&amp;quire header:</source>
        <translation>要求头部(&amp;Q)：</translation>
    </message>
    <message>
        <source>Subp&amp;rotocols:</source>
        <translation>子协议(&amp;R)：</translation>
    </message>
    <message>
        <source>Show the server&apos;s settings; they take effect when it starts</source>
        <translation>显示服务器的设置；设置在启动时生效</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Text, or hex bytes for Send hex, to the selected client</source>
        <translation>发给所选客户端的文本，或供“发送 hex”使用的 hex 字节</translation>
    </message>
    <message>
        <source>Close code</source>
        <translation>关闭码</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>已复制 %1</translation>
    </message>
    <message>
        <source>Server :%1</source>
        <translation>服务器 :%1</translation>
    </message>
    <message>
        <source>Certificates and keys (*.pem *.crt *.key *.p12 *.pfx);;All files (*)</source>
        <translation>证书和密钥 (*.pem *.crt *.key *.p12 *.pfx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>A path starts with /: &quot;%1&quot;.</source>
        <translation>路径须以 / 开头：“%1”。</translation>
    </message>
    <message>
        <source>Write the required header as &quot;Name: value&quot;.</source>
        <translation>请把要求的头部写成“Name: value”。</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a subprotocol name: one word, no spaces.</source>
        <translation>“%1”不是子协议名称：应为一个词，不含空格。</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>Listening at %1</source>
        <translation>正在 %1 监听</translation>
    </message>
    <message>
        <source>Stopped. Start the server again to get a new URL.</source>
        <translation>已停止。再次启动服务器以获得新的 URL。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message numerus="yes">
        <source>Sent to %n client(s)</source>
        <translation>
            <numerusform>已发给 %n 个客户端</numerusform>
        </translation>
    </message>
    <message>
        <source>No client yet. Start the server and point your client at its URL: every byte it sends is shown here, as in a connection&apos;s views.</source>
        <translation>还没有客户端。启动服务器，让你的客户端连接它的 URL：客户端发送的每个字节都会像连接的视图中那样显示在这里。</translation>
    </message>
    <message>
        <source>No session journal: %1</source>
        <translation>没有会话恢复日志：%1</translation>
    </message>
    <message>
        <source>of the PKCS#12 file or an encrypted key; not kept</source>
        <translation>PKCS#12 文件或加密私钥的口令；不会保存</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>A client&apos;s message larger than this is refused with Close 1009.</source>
        <translation>客户端发来的大于此值的消息会以 Close 1009 拒绝。</translation>
    </message>
    <message>
        <source>Answer with every saved message</source>
        <translation>以每条已保存消息回应</translation>
    </message>
    <message>
        <source>Answer with the saved messages in turn</source>
        <translation>依次以已保存消息回应</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>口令：</translation>
    </message>
    <message>
        <source>The saved messages cannot be read: %1</source>
        <translation>无法读取已保存消息：%1</translation>
    </message>
    <message>
        <source>The saved messages were not written: %1</source>
        <translation>已保存消息未能写入：%1</translation>
    </message>
    <message>
        <source>The server goes on answering as before: %1</source>
        <translation>服务器继续按原来的方式回应：%1</translation>
    </message>
    <message>
        <source>The saved message &quot;%1&quot; cannot be sent: %2</source>
        <translation>已保存消息“%1”无法发送：%2</translation>
    </message>
    <message>
        <source>The saved messages answer in their order; those sent on open go to each client as it connects, and are not among the replies.</source>
        <translation>已保存消息按其顺序回应；“打开时发送”的消息在每个客户端连接时发给它，不在回应之列。</translation>
    </message>
    <message>
        <source>No saved message to answer with: save one that is not sent on open, or choose another reply.</source>
        <translation>没有可用于回应的已保存消息：请保存一条不在打开时发送的消息，或选择其他回应方式。</translation>
    </message>
    <message>
        <source>None yet: write one on the left and click Save.</source>
        <translation>还没有：在左边写一条，然后点击“保存”。</translation>
    </message>
    <message>
        <source>Double click to send one to the selected client. Those sent on open go to each client as it connects; the others can be the replies (Settings, Reply).</source>
        <translation>双击可将其发送给所选客户端。“打开时发送”的消息在每个客户端连接时发给它；其余的可作为回复（设置中的“回复”）。</translation>
    </message>
    <message>
        <source>Copy U&amp;RL</source>
        <translation>复制 URL(&amp;R)</translation>
    </message>
    <message>
        <source>Send t&amp;ext</source>
        <translation>发送文本(&amp;E)</translation>
    </message>
    <message>
        <source>Send hex</source>
        <translation>发送 hex</translation>
    </message>
    <message>
        <source>P&amp;ing</source>
        <translation>Ping(&amp;I)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <source>Paths:</source>
        <translation>路径：</translation>
    </message>
    <message>
        <source>Answer the upgrade:</source>
        <translation>回应升级：</translation>
    </message>
    <message>
        <source>&amp;Certificate:</source>
        <translation>证书(&amp;C)：</translation>
    </message>
    <message>
        <source>Largest message:</source>
        <translation>最大消息：</translation>
    </message>
    <message>
        <source>Delay the 101:</source>
        <translation>推迟 101：</translation>
    </message>
    <message>
        <source>Drop after N messages:</source>
        <translation>N 条消息后断开：</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>未启动。</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Closing</source>
        <translation>正在关闭</translation>
    </message>
    <message>
        <source>This is a saved session: it is read-only. Open a new window to connect.</source>
        <translation>这是已保存的会话，只能查看。要连接，请打开新窗口。</translation>
    </message>
    <message>
        <source>The connection is %1: close it before opening another.</source>
        <translation>当前连接状态为“%1”：请先关闭它，再建立新的连接。</translation>
    </message>
    <message>
        <source>The wire tap could not listen on 127.0.0.1: %1</source>
        <translation>本地中继无法在 127.0.0.1 上监听：%1</translation>
    </message>
    <message>
        <source>Direct connection: the request above is what Qt is known to send, not a capture.</source>
        <translation>直接连接：上方的请求是已知 Qt 会发送的内容，并非抓包数据。</translation>
    </message>
    <message>
        <source>The Sec-WebSocket-Key is chosen by Qt and not reported on a direct connection.</source>
        <translation>Sec-WebSocket-Key 由 Qt 选定，直接连接时 Qt 不提供该值。</translation>
    </message>
    <message>
        <source>The server&apos;s response headers, timings and TLS details are not reported by Qt on a direct connection.</source>
        <translation>直接连接时，Qt 不提供服务器的响应头、耗时和 TLS 详情。</translation>
    </message>
    <message>
        <source>Pings from the server and the pongs Qt answers them with are not reported by Qt on a direct connection: they are not in the log.</source>
        <translation>直接连接时，Qt 不报告服务器发来的 Ping 及其自动回复的 Pong：它们不会出现在日志中。</translation>
    </message>
    <message>
        <source>Cannot send: the connection is %1.</source>
        <translation>无法发送：当前连接状态为“%1”。</translation>
    </message>
    <message>
        <source>A ping payload holds at most %1 bytes; this one has %2.</source>
        <translation>Ping 载荷最多 %1 字节；当前为 %2 字节。</translation>
    </message>
    <message>
        <source>No pong within %1 s of the ping sent at %2: the connection is dead</source>
        <translation>于 %2 发送的 Ping 在 %1 秒内未收到 Pong：连接已失效</translation>
    </message>
    <message>
        <source>There is no connection to close.</source>
        <translation>没有可关闭的连接。</translation>
    </message>
    <message>
        <source>%1 cannot be sent as a close code: use 1000-1003, 1007-1014 or 3000-4999.</source>
        <translation>%1 不能作为关闭码发送：请使用 1000-1003、1007-1014 或 3000-4999。</translation>
    </message>
    <message>
        <source>The close reason is %1 bytes of UTF-8; at most %2 fit in a Close frame.</source>
        <translation>关闭原因为 %1 字节（UTF-8）；Close 帧最多只能容纳 %2 字节。</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <source>Connected to %1 with subprotocol %2</source>
        <translation>已连接到 %1，子协议为 %2</translation>
    </message>
    <message>
        <source>The server closed the TCP connection without a Close frame.</source>
        <translation>服务器关闭了 TCP 连接，但未发送 Close 帧。</translation>
    </message>
    <message>
        <source>Refused by the server: %1</source>
        <translation>被服务器拒绝：%1</translation>
    </message>
    <message>
        <source>Host %1 not found</source>
        <translation>找不到主机 %1</translation>
    </message>
    <message>
        <source>No server at %1</source>
        <translation>%1 上没有服务器</translation>
    </message>
    <message>
        <source>Certificate not trusted</source>
        <translation>证书不受信任</translation>
    </message>
    <message>
        <source>The server speaks ws://, not wss://</source>
        <translation>该服务器使用 ws://，而不是 wss://</translation>
    </message>
    <message>
        <source>Could not connect to %1 through the %2: %3</source>
        <translation>无法通过 %2 连接到 %1：%3</translation>
    </message>
    <message>
        <source>Could not connect to %1: %2</source>
        <translation>无法连接到 %1：%2</translation>
    </message>
    <message>
        <source>No WebSocket handshake from %1 within %2 ms: %3</source>
        <translation>%2 ms 内未收到 %1 的 WebSocket 握手：%3</translation>
    </message>
    <message>
        <source>the connection or the upgrade did not complete.</source>
        <translation>连接或升级未完成。</translation>
    </message>
    <message>
        <source>the connection did not reach the local tap.</source>
        <translation>连接未到达本地中继。</translation>
    </message>
    <message>
        <source>the DNS lookup of %1 did not finish.</source>
        <translation>%1 的 DNS 查询未完成。</translation>
    </message>
    <message>
        <source>the TCP connection was not accepted.</source>
        <translation>TCP 连接未被接受。</translation>
    </message>
    <message>
        <source>the TLS handshake did not finish.</source>
        <translation>TLS 握手未完成。</translation>
    </message>
    <message>
        <source>the server answered with %1 bytes that are not a usable HTTP response: %2</source>
        <translation>服务器应答了 %1 字节，但不是可用的 HTTP 响应：%2</translation>
    </message>
    <message>
        <source>the server sent %1 bytes, but no complete HTTP response head.</source>
        <translation>服务器发送了 %1 字节，但没有完整的 HTTP 响应头。</translation>
    </message>
    <message>
        <source>the server did not answer the upgrade request.</source>
        <translation>服务器未应答升级请求。</translation>
    </message>
    <message>
        <source>A message of more than %1 bytes arrived: closed with 1009. That is the largest message accepted (Connection tab, --max-message-size).</source>
        <translation>收到超过 %1 字节的消息：已以 1009 关闭连接。这是可接受的最大消息大小（“连接”标签页，--max-message-size）。</translation>
    </message>
    <message>
        <source>Connection attempt to %1 cancelled</source>
        <translation>已取消对 %1 的连接尝试</translation>
    </message>
    <message>
        <source> (its Close payload was one byte, which holds no valid code)</source>
        <translation> （其 Close 载荷只有一个字节，不含有效的关闭码）</translation>
    </message>
    <message>
        <source>; answered with %1 (%2)</source>
        <translation>；已用 %1（%2）应答</translation>
    </message>
    <message>
        <source>Aborted because no pong came, without a close handshake: %1</source>
        <translation>因未收到 Pong 而中止，未进行关闭握手：%1</translation>
    </message>
    <message>
        <source>Aborted by you, without a close handshake</source>
        <translation>已由你中止，未进行关闭握手</translation>
    </message>
    <message>
        <source>Closed by you: %1</source>
        <translation>已由你关闭：%1</translation>
    </message>
    <message>
        <source>Closed by the server: %1</source>
        <translation>已被服务器关闭：%1</translation>
    </message>
    <message>
        <source>Closed by Qt&apos;s WebSocket client: %1</source>
        <translation>已被 Qt 的 WebSocket 客户端关闭：%1</translation>
    </message>
    <message>
        <source>Closed: %1 (a direct connection cannot tell who started the close)</source>
        <translation>已关闭：%1（直接连接无法判断是哪一方发起的关闭）</translation>
    </message>
    <message>
        <source>Connection lost without a close handshake: %1</source>
        <translation>连接断开，未进行关闭握手：%1</translation>
    </message>
    <message>
        <source>, reason: %1</source>
        <translation>，原因：%1</translation>
    </message>
    <message>
        <source>; the server sent no Close frame back</source>
        <translation>；服务器未回送 Close 帧</translation>
    </message>
    <message>
        <source>A header needs a name.</source>
        <translation>头部必须有名称。</translation>
    </message>
    <message>
        <source>The header name &quot;%1&quot; may only hold letters, digits and !#$%&amp;&apos;*+-.^_`|~.</source>
        <translation>头部名称“%1”只能包含字母、数字和 !#$%&amp;&apos;*+-.^_`|~。</translation>
    </message>
    <message>
        <source>The value of %1 holds a line break or a NUL byte, which would split the request.</source>
        <translation>%1 的值包含换行符或 NUL 字节，会导致请求被拆分。</translation>
    </message>
    <message>
        <source>The value of %1 holds the control character 0x%2 at position %3: a header value may hold only visible characters, spaces and tabs.</source>
        <translation>%1 的值在位置 %3 处包含控制字符 0x%2：头部值只能包含可见字符、空格和制表符。</translation>
    </message>
    <message>
        <source>Set the origin in its own field, not as a header: Qt would send it twice.</source>
        <translation>请在专门的 Origin 字段中设置，而不是作为头部添加：否则 Qt 会发送两次。</translation>
    </message>
    <message>
        <source>List subprotocols in their own field, not as a header.</source>
        <translation>请在专门的子协议字段中列出子协议，而不是作为头部添加。</translation>
    </message>
    <message>
        <source>%1 is set by the WebSocket handshake itself and cannot be replaced.</source>
        <translation>%1 由 WebSocket 握手自身设置，无法替换。</translation>
    </message>
    <message>
        <source>The header %1 is given twice: Qt&apos;s WebSocket client sends one line per header name, so only the last value would go out. To send both values, join them with &quot;, &quot; in one header.</source>
        <translation>头部 %1 出现了两次：Qt 的 WebSocket 客户端对每个头部名称只发送一行，因此只有最后一个值会被发出。要发送两个值，请用 &quot;, &quot; 将它们合并到同一个头部中。</translation>
    </message>
    <message>
        <source>The header %1 is given twice (as %2 and %1; names have no case): Qt&apos;s WebSocket client sends one line per header name, so only the last value would go out. To send both values, join them with &quot;, &quot; in one header.</source>
        <translation>头部 %1 出现了两次（分别为 %2 和 %1；名称不区分大小写）：Qt 的 WebSocket 客户端对每个头部名称只发送一行，因此只有最后一个值会被发出。要发送两个值，请用 &quot;, &quot; 将它们合并到同一个头部中。</translation>
    </message>
    <message>
        <source>The messages to send on open were not sent: %1</source>
        <translation>连接打开时要发送的消息没有发送：%1</translation>
    </message>
    <message>
        <source>A message to send on open was not sent: %1</source>
        <translation>一条连接打开时要发送的消息没有发送：%1</translation>
    </message>
</context>
<context>
    <name>SessionExport</name>
    <message>
        <source>wsscope session (*.wsscope.jsonl *.jsonl)</source>
        <translation>wsscope 会话 (*.wsscope.jsonl *.jsonl)</translation>
    </message>
    <message>
        <source>HTTP Archive (*.har)</source>
        <translation>HTTP 存档 (*.har)</translation>
    </message>
    <message>
        <source>Wireshark capture (*.pcapng)</source>
        <translation>Wireshark 抓包文件 (*.pcapng)</translation>
    </message>
    <message>
        <source>Text (*.txt)</source>
        <translation>文本 (*.txt)</translation>
    </message>
    <message>
        <source>Unknown file format.</source>
        <translation>未知的文件格式。</translation>
    </message>
    <message>
        <source>%1: the name must end in .jsonl, .har, .pcapng or .txt to say the format.</source>
        <translation>%1：文件名必须以 .jsonl、.har、.pcapng 或 .txt 结尾，以指明格式。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>SessionFile</name>
    <message>
        <source>Line %1: &quot;%2&quot; is not a number; reading stopped there.</source>
        <translation>第 %1 行：“%2”不是数字；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1: &quot;%2&quot; is %3, not a whole number; reading stopped there.</source>
        <translation>第 %1 行：“%2”为 %3，不是整数；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1: &quot;%2&quot; is %3, outside %4 to %5; reading stopped there.</source>
        <translation>第 %1 行：“%2”为 %3，超出 %4 到 %5 的范围；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1 is longer than %2 MiB; reading stopped there.</source>
        <translation>第 %1 行超过 %2 MiB；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1 could not be read (%2); reading stopped there.</source>
        <translation>第 %1 行无法读取（%2）；读取在此停止。</translation>
    </message>
    <message>
        <source>Reading was cancelled at line %1.</source>
        <translation>读取在第 %1 行被取消。</translation>
    </message>
    <message>
        <source>Line %1 is cut short (the file ends in the middle of it); everything before it was read.</source>
        <translation>第 %1 行不完整（文件在这一行中间结束）；之前的内容都已读取。</translation>
    </message>
    <message>
        <source>Line %1 is not valid JSON (%2 at character %3); reading stopped there.</source>
        <translation>第 %1 行不是有效的 JSON（第 %3 个字符处：%2）；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1 is not a JSON object; reading stopped there.</source>
        <translation>第 %1 行不是 JSON 对象；读取在此停止。</translation>
    </message>
    <message>
        <source>This is not a wsscope session file: its first line does not say &quot;format&quot;: &quot;wsscope-session&quot;.</source>
        <translation>这不是 wsscope 会话文件：它的第一行没有写明 &quot;format&quot;: &quot;wsscope-session&quot;。</translation>
    </message>
    <message>
        <source>The file is version %1 of the session format; this wsscope reads version %2.</source>
        <translation>该文件是会话格式的第 %1 版；此 wsscope 读取第 %2 版。</translation>
    </message>
    <message>
        <source>Line %1 has no valid &quot;time&quot; (a UTC time from 1970 to 9999); reading stopped there.</source>
        <translation>第 %1 行没有有效的 &quot;time&quot;（1970 年到 9999 年之间的 UTC 时间）；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1: &quot;dir&quot; must be &quot;send&quot; or &quot;receive&quot;.</source>
        <translation>第 %1 行：&quot;dir&quot; 必须是 &quot;send&quot; 或 &quot;receive&quot;。</translation>
    </message>
    <message>
        <source>Line %1: opcode %2 is not a message, ping or pong.</source>
        <translation>第 %1 行：操作码 %2 不是消息、Ping 或 Pong。</translation>
    </message>
    <message>
        <source>Line %1: the message&apos;s payload is not in the wire lines before it; reading stopped there.</source>
        <translation>第 %1 行：该消息的载荷不在它之前的线路数据行中；读取在此停止。</translation>
    </message>
    <message>
        <source>Line %1: &quot;base64&quot; is not valid base64.</source>
        <translation>第 %1 行：&quot;base64&quot; 不是有效的 base64。</translation>
    </message>
    <message>
        <source>Line %1: a connection needs a &quot;connection&quot; number.</source>
        <translation>第 %1 行：连接需要一个 &quot;connection&quot; 编号。</translation>
    </message>
    <message>
        <source>Line %1 names connection %2, which no earlier line opened.</source>
        <translation>第 %1 行引用了连接 %2，但之前没有任何一行打开过它。</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
</context>
<context>
    <name>Tap</name>
    <message>
        <source>HTTP proxy %1:%2</source>
        <translation>HTTP 代理 %1:%2</translation>
    </message>
    <message>
        <source>SOCKS5 proxy %1:%2</source>
        <translation>SOCKS5 代理 %1:%2</translation>
    </message>
    <message>
        <source>Not an HTTP request: %1</source>
        <translation>不是 HTTP 请求：%1</translation>
    </message>
    <message>
        <source>%1 instead of CONNECT</source>
        <translation>使用了 %1 而不是 CONNECT</translation>
    </message>
    <message>
        <source>Wrong proxy credentials</source>
        <translation>代理凭据错误</translation>
    </message>
    <message>
        <source>CONNECT to %1 refused: this tap only connects to %2:%3</source>
        <translation>已拒绝到 %1 的 CONNECT：此中继只连接 %2:%3</translation>
    </message>
    <message>
        <source>Left to the %1</source>
        <translation>交由 %1 解析</translation>
    </message>
    <message>
        <source>Host %1 not found: %2</source>
        <translation>找不到主机 %1：%2</translation>
    </message>
    <message>
        <source>Not recorded: at least %L1 more bytes from the server after QWebSocket had closed. The tap keeps %L2 bytes of what the server sends after that, then stops reading it.</source>
        <translation>未记录：QWebSocket 关闭后，服务器又发来了至少 %L1 字节。中继在此之后只保留服务器发送的 %L2 字节，然后停止读取。</translation>
    </message>
    <message>
        <source>%1:%2 through the %3</source>
        <translation>%1:%2（经由 %3）</translation>
    </message>
    <message>
        <source> (no client certificate was offered)</source>
        <translation> （未提供客户端证书）</translation>
    </message>
    <message>
        <source>%1:%2: the server ended TLS before answering: %3%4</source>
        <translation>%1:%2：服务器在应答前终止了 TLS：%3%4</translation>
    </message>
    <message>
        <source>The certificate of %1 is not trusted: %2</source>
        <translation>%1 的证书不受信任：%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1: nothing is listening there (%2)</source>
        <translation>%1：该地址上没有程序在监听（%2）</translation>
    </message>
    <message>
        <source>%1: the server answered in plain text, not TLS: it speaks ws://, not wss:// (%2)</source>
        <translation>%1：服务器以明文而非 TLS 应答：它使用的是 ws://，而不是 wss://（%2）</translation>
    </message>
    <message>
        <source>the %1 refused the user name and password given (%2)</source>
        <translation>%1 拒绝了所提供的用户名和密码（%2）</translation>
    </message>
    <message>
        <source>the %1 asks for a user name and password (%2)</source>
        <translation>%1 要求提供用户名和密码（%2）</translation>
    </message>
    <message>
        <source>the %1 refused to connect there (%2)</source>
        <translation>%1 拒绝连接到该地址（%2）</translation>
    </message>
    <message>
        <source>the %1 cannot be reached (%2)</source>
        <translation>无法连接到 %1（%2）</translation>
    </message>
    <message>
        <source>the %1 failed (%2)</source>
        <translation>%1 出错（%2）</translation>
    </message>
    <message>
        <source>through the %1: %2</source>
        <translation>经由 %1：%2</translation>
    </message>
    <message>
        <source>Not recorded: at least %L1 more bytes from the server, on their way when the tap hung up on it %L2 ms after QWebSocket had closed.</source>
        <translation>未记录：中继在 QWebSocket 关闭 %L2 ms 后挂断服务器时，服务器仍有至少 %L1 字节正在发来。</translation>
    </message>
</context>
<context>
    <name>TextLog</name>
    <message>
        <source> … (%1 more bytes)</source>
        <translation> …（还有 %1 字节）</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>binary</source>
        <translation>二进制</translation>
    </message>
    <message>
        <source>ping</source>
        <translation>Ping</translation>
    </message>
    <message>
        <source>pong</source>
        <translation>Pong</translation>
    </message>
    <message>
        <source>open</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>(%1 bytes, not UTF-8)</source>
        <translation>（%1 字节，非 UTF-8）</translation>
    </message>
    <message>
        <source>(body cut at %1 KiB)</source>
        <translation>（正文在 %1 KiB 处截断）</translation>
    </message>
    <message>
        <source>by us</source>
        <translation>由我方</translation>
    </message>
    <message>
        <source>by the server</source>
        <translation>由服务器</translation>
    </message>
    <message>
        <source>by the WebSocket client after a protocol error</source>
        <translation>由 WebSocket 客户端在发生协议错误后</translation>
    </message>
    <message>
        <source>by one side (a direct connection cannot tell which)</source>
        <translation>由某一方（直接连接无法判断是哪一方）</translation>
    </message>
    <message>
        <source>without a close handshake</source>
        <translation>在没有关闭握手的情况下</translation>
    </message>
    <message>
        <source>wsscope session log, times in UTC. → sent, ← received, · event.</source>
        <translation>wsscope 会话日志，时间为 UTC。→ 发送，← 接收，· 事件。</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 字节</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>connection %1 to %2</source>
        <translation>连接 %1，目标 %2</translation>
    </message>
    <message>
        <source>handshake done</source>
        <translation>握手完成</translation>
    </message>
    <message>
        <source>handshake failed</source>
        <translation>握手失败</translation>
    </message>
    <message>
        <source>connection %1 closed %2: %3 (%4)</source>
        <translation>连接 %1 %2关闭：%3（%4）</translation>
    </message>
    <message>
        <source>, reason: %1</source>
        <translation>，原因：%1</translation>
    </message>
    <message>
        <source>connection %1 ended without opening</source>
        <translation>连接 %1 未建立即已结束</translation>
    </message>
    <message>
        <source>by the client</source>
        <translation>由客户端</translation>
    </message>
</context>
<context>
    <name>TimingView</name>
    <message>
        <source>DNS</source>
        <translation>DNS</translation>
    </message>
    <message>
        <source>TCP</source>
        <translation>TCP</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>wsscope</source>
        <translation>wsscope</translation>
    </message>
    <message>
        <source>Upgrade</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>The hatched bar is wsscope&apos;s own tunnel between Qt and the tap, not the server.</source>
        <translation>斜纹条表示 wsscope 自身在 Qt 与本地中继之间建立的隧道，而非服务器。</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 µs</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Timings are measured by the tap; a direct connection has none.</source>
        <translation>耗时由本地中继测量；直接连接没有耗时数据。</translation>
    </message>
    <message>
        <source>Network and server</source>
        <translation>网络和服务器</translation>
    </message>
    <message>
        <source>DNS lookup</source>
        <translation>DNS 查询</translation>
    </message>
    <message>
        <source>TCP connect</source>
        <translation>TCP 连接</translation>
    </message>
    <message>
        <source>TLS handshake</source>
        <translation>TLS 握手</translation>
    </message>
    <message>
        <source>Upgrade request to 101</source>
        <translation>升级请求至 101 响应</translation>
    </message>
    <message>
        <source>In all</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>wsscope&apos;s own work, not the server&apos;s</source>
        <translation>wsscope 自身的耗时，与服务器无关</translation>
    </message>
    <message>
        <source>Local tunnel set-up</source>
        <translation>建立本地隧道</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>总计</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>101</source>
        <translation>101</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1, every %2 (%3 to %4)</source>
        <translation>%1，每 %2 一次（%3 至 %4）</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%2 个中的 %1 个</translation>
    </message>
    <message>
        <source>%1, in %2 on average (at most %3)</source>
        <translation>%1，平均用时 %2（最长 %3）</translation>
    </message>
    <message>
        <source>Keep-alive</source>
        <translation>心跳保活</translation>
    </message>
    <message>
        <source>Pings from the client</source>
        <translation>客户端发来的 Ping</translation>
    </message>
    <message>
        <source>wsscope&apos;s pongs to them</source>
        <translation>wsscope 对其回复的 Pong</translation>
    </message>
    <message>
        <source>Pings sent to the client</source>
        <translation>发给客户端的 Ping</translation>
    </message>
    <message>
        <source>The client&apos;s pongs to them</source>
        <translation>客户端对其回复的 Pong</translation>
    </message>
    <message>
        <source>Pings sent</source>
        <translation>已发送的 Ping</translation>
    </message>
    <message>
        <source>The server&apos;s pongs to them</source>
        <translation>服务器对其回复的 Pong</translation>
    </message>
    <message>
        <source>Pings from the server</source>
        <translation>服务器发来的 Ping</translation>
    </message>
    <message>
        <source>The client&apos;s pongs to no ping</source>
        <translation>客户端未对应任何 Ping 的 Pong</translation>
    </message>
    <message>
        <source>The server&apos;s pongs to no ping</source>
        <translation>服务器未对应任何 Ping 的 Pong</translation>
    </message>
    <message>
        <source>The client, as the server saw it</source>
        <translation>服务器所见的客户端</translation>
    </message>
    <message>
        <source>Connected to request</source>
        <translation>连接到发出请求</translation>
    </message>
    <message>
        <source>Request to 101</source>
        <translation>请求到 101</translation>
    </message>
    <message>
        <source>From accepting the client&apos;s TCP connection to sending the 101; the 101 waits as long as the server&apos;s settings say.</source>
        <translation>从接受客户端的 TCP 连接到发送 101；101 会按服务器设置中的时间等待。</translation>
    </message>
</context>
<context>
    <name>TlsFiles</name>
    <message>
        <source>Cannot read the %1 &quot;%2&quot;: it is a directory.</source>
        <translation>无法读取 %1“%2”：这是一个目录。</translation>
    </message>
    <message>
        <source>Cannot read the %1 &quot;%2&quot;: %3</source>
        <translation>无法读取 %1“%2”：%3</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>CA 文件</translation>
    </message>
    <message>
        <source>The CA file &quot;%1&quot; holds no PEM certificate (-----BEGIN CERTIFICATE-----).</source>
        <translation>CA 文件“%1”中没有 PEM 证书（-----BEGIN CERTIFICATE-----）。</translation>
    </message>
    <message>
        <source>The key &quot;%1&quot; is of no use without its client certificate.</source>
        <translation>私钥“%1”缺少对应的客户端证书，无法使用。</translation>
    </message>
    <message>
        <source>client certificate</source>
        <translation>客户端证书</translation>
    </message>
    <message>
        <source>The PKCS#12 file &quot;%1&quot; holds its own key; give no separate key file.</source>
        <translation>PKCS#12 文件“%1”已包含私钥，请勿另外指定私钥文件。</translation>
    </message>
    <message>
        <source>The client certificate &quot;%1&quot; is not a PKCS#12 file.</source>
        <translation>客户端证书“%1”不是 PKCS#12 文件。</translation>
    </message>
    <message>
        <source>Cannot open the PKCS#12 file &quot;%1&quot;: it needs a passphrase.</source>
        <translation>无法打开 PKCS#12 文件“%1”：需要口令。</translation>
    </message>
    <message>
        <source>Cannot open the PKCS#12 file &quot;%1&quot;: the passphrase is wrong (or the file is damaged).</source>
        <translation>无法打开 PKCS#12 文件“%1”：口令错误（或文件已损坏）。</translation>
    </message>
    <message>
        <source>The client certificate &quot;%1&quot; holds no PEM certificate (-----BEGIN CERTIFICATE-----) and is not a PKCS#12 file.</source>
        <translation>客户端证书“%1”中没有 PEM 证书（-----BEGIN CERTIFICATE-----），也不是 PKCS#12 文件。</translation>
    </message>
    <message>
        <source>key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>The client certificate &quot;%1&quot; needs its private key: give the key file too.</source>
        <translation>客户端证书“%1”需要对应的私钥：请同时指定私钥文件。</translation>
    </message>
    <message>
        <source>The key &quot;%1&quot; is encrypted: it needs its passphrase.</source>
        <translation>私钥“%1”已加密：需要口令。</translation>
    </message>
    <message>
        <source>Cannot decrypt the key &quot;%1&quot;: the passphrase is wrong.</source>
        <translation>无法解密私钥“%1”：口令错误。</translation>
    </message>
    <message>
        <source>The key &quot;%1&quot; holds no RSA or EC private key in PEM form.</source>
        <translation>私钥“%1”中没有 PEM 格式的 RSA 或 EC 私钥。</translation>
    </message>
    <message>
        <source>The key &quot;%1&quot; does not belong to the client certificate &quot;%2&quot;.</source>
        <translation>私钥“%1”与客户端证书“%2”不匹配。</translation>
    </message>
</context>
<context>
    <name>TlsView</name>
    <message>
        <source>Connect &amp;anyway (this connection only)</source>
        <translation>仍然连接（仅限此连接）(&amp;A)</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Certificate chain</source>
        <translation>证书链</translation>
    </message>
    <message>
        <source>Reconnect without verifying the certificate. Only this connection is affected.</source>
        <translation>不验证证书，重新连接。仅影响此连接。</translation>
    </message>
    <message>
        <source>No TLS: this is not a wss:// connection, or it has not got that far.</source>
        <translation>无 TLS：这不是 wss:// 连接，或连接尚未进行到这一步。</translation>
    </message>
    <message>
        <source>Protocol: %1
Cipher: %2
</source>
        <translation>协议：%1
加密套件：%2
</translation>
    </message>
    <message>
        <source>Certificate verified.</source>
        <translation>证书已验证。</translation>
    </message>
    <message>
        <source>Certificate NOT verified, accepted for this connection:
%1</source>
        <translation>证书未通过验证，已为此连接接受：
%1</translation>
    </message>
    <message>
        <source>Certificate NOT verified; the connection was refused:
%1</source>
        <translation>证书未通过验证；连接已被拒绝：
%1</translation>
    </message>
    <message>
        <source>Client certificate offered: %1</source>
        <translation>已提供客户端证书：%1</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Issuer %1</source>
        <translation>颁发者 %1</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>使用者</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>颁发者</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>到期时间</translation>
    </message>
    <message>
        <source>Alternative names</source>
        <translation>备用名称</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint</source>
        <translation>SHA-256 指纹</translation>
    </message>
</context>
<context>
    <name>UrlCheck</name>
    <message>
        <source>Enter a ws:// or wss:// URL.</source>
        <translation>请输入 ws:// 或 wss:// URL。</translation>
    </message>
    <message>
        <source>The URL contains a line break at position %1.</source>
        <translation>URL 在第 %1 个字符处包含换行符。</translation>
    </message>
    <message>
        <source>The URL contains a space at position %1; encode spaces in a path before connecting.</source>
        <translation>URL 在第 %1 个字符处包含空格；连接前请对路径中的空格进行编码。</translation>
    </message>
    <message>
        <source>The URL contains a control character at position %1.</source>
        <translation>URL 在第 %1 个字符处包含控制字符。</translation>
    </message>
    <message>
        <source>The IPv6 zone &quot;%1&quot; is not the name of a network interface.</source>
        <translation>IPv6 区域“%1”不是网络接口的名称。</translation>
    </message>
    <message>
        <source>The URL has no scheme: start it with ws:// or wss:// (for TLS).</source>
        <translation>URL 缺少协议：请以 ws:// 或 wss://（用于 TLS）开头。</translation>
    </message>
    <message>
        <source>This is not a valid URL: %1.</source>
        <translation>这不是有效的 URL：%1。</translation>
    </message>
    <message>
        <source>%1:// is not a WebSocket scheme: use %2:// instead.</source>
        <translation>%1:// 不是 WebSocket 协议：请改用 %2://。</translation>
    </message>
    <message>
        <source>The scheme &quot;%1&quot; is not supported: use ws:// or wss:// (for TLS).</source>
        <translation>不支持协议“%1”：请使用 ws:// 或 wss://（用于 TLS）。</translation>
    </message>
    <message>
        <source>The URL has no host name or address.</source>
        <translation>URL 缺少主机名或地址。</translation>
    </message>
    <message>
        <source>Port 0 cannot be connected to: use a port from 1 to 65535.</source>
        <translation>无法连接到端口 0：请使用 1 到 65535 之间的端口。</translation>
    </message>
    <message>
        <source>WebSocket clients do not send credentials from the URL: remove &quot;%1@&quot; and send an Authorization header instead.</source>
        <translation>WebSocket 客户端不会发送 URL 中的凭据：请删除“%1@”，改为发送 Authorization 头部。</translation>
    </message>
    <message>
        <source>A WebSocket URL cannot have a fragment (the part after #).</source>
        <translation>WebSocket URL 不能包含片段（# 之后的部分）。</translation>
    </message>
    <message>
        <source>This URL does not read back the same once encoded for sending (%1): check its special characters.</source>
        <translation>此 URL 编码后用于发送时与原文不一致（%1）：请检查其中的特殊字符。</translation>
    </message>
</context>
<context>
    <name>VariableScope</name>
    <message>
        <source>%1: {{%2}} %3</source>
        <translation>%1：{{%2}} %3</translation>
    </message>
    <message>
        <source>%1: {{%2}} is not defined</source>
        <translation>%1：{{%2}} 未定义</translation>
    </message>
    <message>
        <source>is not a dynamic value (%1 are)</source>
        <translation>不是动态值（动态值有 %1）</translation>
    </message>
    <message>
        <source>is a secret without a value here: set it, or give it with --var %1=VALUE</source>
        <translation>是一个在这里没有值的机密：请设置它，或用 --var %1=VALUE 给出</translation>
    </message>
    <message>
        <source>refers back to itself</source>
        <translation>引用了自身</translation>
    </message>
</context>
<context>
    <name>VariablesDialog</name>
    <message>
        <source>Show &amp;secret values</source>
        <translation>显示机密值(&amp;S)</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>重命名(&amp;N)…</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>移除(&amp;M)</translation>
    </message>
    <message>
        <source>Variables and environments</source>
        <translation>变量和环境</translation>
    </message>
    <message>
        <source>Where the values apply</source>
        <translation>值的适用范围</translation>
    </message>
    <message>
        <source>Collection defaults</source>
        <translation>集合默认值</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>机密</translation>
    </message>
    <message>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <source>{{name}} in a URL, header, auth field, origin or saved message is replaced by the value. A secret value is kept in the keyring, never in the collection file.</source>
        <translation>URL、头部、授权字段、Origin 或保存的消息中的 {{name}} 会被替换为该值。机密值保存在密钥环中，绝不写入集合文件。</translation>
    </message>
    <message>
        <source>Secret values are hidden while you type, unless this is ticked</source>
        <translation>除非勾选此项，输入时机密值会被隐藏</translation>
    </message>
    <message>
        <source>&amp;Add environment…</source>
        <translation>添加环境(&amp;A)…</translation>
    </message>
    <message>
        <source>Add &amp;variable</source>
        <translation>添加变量(&amp;V)</translation>
    </message>
    <message>
        <source>Remove va&amp;riable</source>
        <translation>移除变量(&amp;R)</translation>
    </message>
    <message>
        <source>Add environment</source>
        <translation>添加环境</translation>
    </message>
    <message>
        <source>Name of the environment:</source>
        <translation>环境名称：</translation>
    </message>
    <message>
        <source>Rename the environment</source>
        <translation>重命名环境</translation>
    </message>
    <message>
        <source>%1, row %2: &quot;%3&quot; cannot be a variable&apos;s name: use letters, digits, &apos;_&apos;, &apos;-&apos; and &apos;.&apos;.</source>
        <translation>%1，第 %2 行：“%3”不能作为变量名：请使用字母、数字、“_”、“-”和“.”。</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is there twice.</source>
        <translation>%1：“%2”出现了两次。</translation>
    </message>
    <message>
        <source>Two environments are named &quot;%1&quot;.</source>
        <translation>有两个环境都叫“%1”。</translation>
    </message>
</context>
<context>
    <name>WireCapture</name>
    <message>
        <source>the body of an answer that is not 101</source>
        <translation>非 101 应答的正文</translation>
    </message>
    <message>
        <source>what followed an answer that is not HTTP</source>
        <translation>非 HTTP 应答之后的数据</translation>
    </message>
    <message>
        <source>what followed frames that cannot be decoded</source>
        <translation>无法解码的帧之后的数据</translation>
    </message>
    <message>
        <source>what came after its Close frame</source>
        <translation>该方发送 Close 帧之后的数据</translation>
    </message>
    <message>
        <source>Not recorded: %L1 bytes from the client that no message owns (%2). A connection keeps the first %L3 bytes of those.</source>
        <translation>未记录：来自客户端、不属于任何消息的 %L1 字节（%2）。每个连接只保留此类数据的前 %L3 字节。</translation>
    </message>
    <message>
        <source>Not recorded: %L1 bytes from the server that no message owns (%2). A connection keeps the first %L3 bytes of those.</source>
        <translation>未记录：来自服务器、不属于任何消息的 %L1 字节（%2）。每个连接只保留此类数据的前 %L3 字节。</translation>
    </message>
    <message>
        <source>it does not begin with &quot;HTTP/&quot;, as every HTTP response does</source>
        <translation>开头不是“HTTP/”，而所有 HTTP 响应都以此开头</translation>
    </message>
    <message numerus="yes">
        <source>%n frame(s): %1</source>
        <translation>
            <numerusform>%n 个帧：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Client frames: %1</source>
        <translation>客户端帧：%1</translation>
    </message>
    <message>
        <source>Server frames: %1</source>
        <translation>服务器帧：%1</translation>
    </message>
    <message>
        <source>Upgrade request: %1</source>
        <translation>升级请求：%1</translation>
    </message>
    <message>
        <source>The 101 has no Sec-WebSocket-Accept header.</source>
        <translation>101 应答缺少 Sec-WebSocket-Accept 头部。</translation>
    </message>
    <message>
        <source>Sec-WebSocket-Accept does not match the key that was sent.</source>
        <translation>Sec-WebSocket-Accept 与所发送的密钥不匹配。</translation>
    </message>
    <message>
        <source>The 101 is %1, not HTTP/1.1.</source>
        <translation>101 应答的版本为 %1，而不是 HTTP/1.1。</translation>
    </message>
    <message>
        <source>The 101 has no Upgrade header (it must be Upgrade: websocket).</source>
        <translation>101 应答缺少 Upgrade 头部（必须为 Upgrade: websocket）。</translation>
    </message>
    <message>
        <source>The 101 says Upgrade: %1, not websocket.</source>
        <translation>101 应答中为 Upgrade: %1，而不是 websocket。</translation>
    </message>
    <message>
        <source>The 101 has no Connection header (it must be Connection: Upgrade).</source>
        <translation>101 应答缺少 Connection 头部（必须为 Connection: Upgrade）。</translation>
    </message>
    <message>
        <source>The 101 says Connection: %1, without Upgrade.</source>
        <translation>101 应答中为 Connection: %1，不含 Upgrade。</translation>
    </message>
    <message>
        <source>The 101 says Connection: %1. RFC 6455 allows other tokens beside Upgrade, but Qt 6.4 accepts only exactly &quot;Upgrade&quot;.</source>
        <translation>101 应答中为 Connection: %1。RFC 6455 允许在 Upgrade 之外包含其他标记，但 Qt 6.4 只接受恰好为“Upgrade”的值。</translation>
    </message>
    <message>
        <source>The server chose the extension %1, but none was offered.</source>
        <translation>服务器选择了扩展 %1，但请求中未提供任何扩展。</translation>
    </message>
    <message>
        <source>The server chose the subprotocol %1, but none was offered.</source>
        <translation>服务器选择了子协议 %1，但请求中未提供任何子协议。</translation>
    </message>
    <message>
        <source>The server chose the subprotocol %1, which was not offered (offered: %2).</source>
        <translation>服务器选择了子协议 %1，但请求中并未提供该子协议（提供的是：%2）。</translation>
    </message>
    <message>
        <source>Server answer: %1</source>
        <translation>服务器应答：%1</translation>
    </message>
    <message>
        <source>Response body: %1</source>
        <translation>响应正文：%1</translation>
    </message>
</context>
<context>
    <name>WireModel</name>
    <message>
        <source>%1 (7-bit)</source>
        <translation>%1（7 位）</translation>
    </message>
    <message>
        <source>%1 (16-bit)</source>
        <translation>%1（16 位）</translation>
    </message>
    <message>
        <source>%1 (64-bit)</source>
        <translation>%1（64 位）</translation>
    </message>
    <message>
        <source>(no status code)</source>
        <translation>（无状态码）</translation>
    </message>
    <message>
        <source>connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>DNS</source>
        <translation>DNS</translation>
    </message>
    <message>
        <source>TCP open</source>
        <translation>TCP 建立</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>tunnel</source>
        <translation>隧道</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>TCP close</source>
        <translation>TCP 关闭</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>正在连接 %1</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <source>QWebSocket&apos;s bytes flow from here</source>
        <translation>QWebSocket 的字节从这里开始流动</translation>
    </message>
    <message>
        <source>A local client was turned away: %1</source>
        <translation>一个本地客户端被拒绝：%1</translation>
    </message>
    <message>
        <source>The server closed TCP</source>
        <translation>服务器关闭了 TCP</translation>
    </message>
    <message>
        <source>QWebSocket closed TCP</source>
        <translation>QWebSocket 关闭了 TCP</translation>
    </message>
    <message>
        <source>•</source>
        <translation>•</translation>
    </message>
    <message>
        <source>→ to server</source>
        <translation>→ 发往服务器</translation>
    </message>
    <message>
        <source>← to client</source>
        <translation>← 发往客户端</translation>
    </message>
    <message>
        <source>HTTP request</source>
        <translation>HTTP 请求</translation>
    </message>
    <message>
        <source>HTTP response</source>
        <translation>HTTP 响应</translation>
    </message>
    <message>
        <source>FIN</source>
        <translation>FIN</translation>
    </message>
    <message>
        <source>more</source>
        <translation>未完</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>RSV</source>
        <translation>RSV</translation>
    </message>
    <message>
        <source>Mask key</source>
        <translation>掩码键</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>载荷</translation>
    </message>
    <message>
        <source>Protocol findings</source>
        <translation>协议问题</translation>
    </message>
</context>
<context>
    <name>WsFrame</name>
    <message>
        <source>A client frame must be masked.</source>
        <translation>客户端帧必须带掩码。</translation>
    </message>
    <message>
        <source>A server frame must not be masked.</source>
        <translation>服务器帧不得带掩码。</translation>
    </message>
    <message>
        <source>Reserved bits set (RSV %1) with no extension negotiated.</source>
        <translation>设置了保留位（RSV %1），但未协商任何扩展。</translation>
    </message>
    <message>
        <source>Reserved opcode 0x%1.</source>
        <translation>保留的操作码 0x%1。</translation>
    </message>
    <message>
        <source>Payload length %1 is not in its shortest encoding.</source>
        <translation>载荷长度 %1 未使用最短编码。</translation>
    </message>
    <message>
        <source>Control frame with %1 bytes of payload; at most 125 are allowed.</source>
        <translation>控制帧的载荷为 %1 字节；最多允许 125 字节。</translation>
    </message>
    <message>
        <source>Control frame is fragmented (FIN not set).</source>
        <translation>控制帧被分片（未设置 FIN）。</translation>
    </message>
    <message>
        <source>Close payload of one byte: a close code needs two.</source>
        <translation>Close 载荷只有一个字节：关闭码需要两个字节。</translation>
    </message>
    <message>
        <source>Close code %1 may not be sent on the wire.</source>
        <translation>关闭码 %1 不得在线路上发送。</translation>
    </message>
    <message>
        <source>Close reason is not valid UTF-8.</source>
        <translation>关闭原因不是有效的 UTF-8。</translation>
    </message>
    <message>
        <source>Continuation frame with no message to continue.</source>
        <translation>延续帧没有可延续的消息。</translation>
    </message>
    <message>
        <source>New data frame while a fragmented message is unfinished.</source>
        <translation>分片消息尚未结束时出现了新的数据帧。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The window could not connect.</source>
        <translation>窗口无法建立连接。</translation>
    </message>
    <message>
        <source>wsscope: not imported: %1</source>
        <translation>wsscope：未导入：%1</translation>
    </message>
    <message>
        <source>wsscope: the remembered options were not moved into the Recent collection: %1</source>
        <translation>wsscope：记住的选项未能移入“最近”集合：%1</translation>
    </message>
    <message>
        <source>wsscope: saved %1</source>
        <translation>wsscope：已保存 %1</translation>
    </message>
</context>
</TS>
